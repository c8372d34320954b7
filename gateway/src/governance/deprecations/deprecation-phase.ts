/**
 * Where a deprecated coordinate stands for one consumer at one instant:
 *   announced   before the sunset, outside a brownout: served, with the headers and extension;
 *   brownout    inside a scheduled brownout window before the sunset: refused (FIELD_BROWNOUT);
 *   sunset      from 00:00 UTC of the sunset date on: refused (FIELD_SUNSET);
 *   waived      in a brownout or after the sunset, for a consumer whose waiver has not ended: served.
 * A waiver covers brownouts too: they exist to find forgotten callers, and a waived one is known.
 */
import type { Deprecation, TimeWindow, Waiver } from './deprecation-feed';

export type DeprecationPhase =
  | { kind: 'announced'; nextBrownout: TimeWindow | null }
  | { kind: 'brownout'; window: TimeWindow }
  | { kind: 'sunset' }
  | { kind: 'waived'; waiver: Waiver };

/** The phase of `deprecation` for `consumerId` (null: no consumer, so no waiver) at `at` (ms since the epoch). */
export function deprecationPhase(
  deprecation: Deprecation,
  consumerId: string | null,
  at: number,
): DeprecationPhase {
  const window = at < deprecation.sunsetAt ? brownoutAt(deprecation.brownouts, at) : null;
  if (at < deprecation.sunsetAt && !window)
    return { kind: 'announced', nextBrownout: nextBrownout(deprecation, at) };
  const waiver = consumerId ? activeWaiver(deprecation.waivers, consumerId, at) : null;
  if (waiver) return { kind: 'waived', waiver };
  return window ? { kind: 'brownout', window } : { kind: 'sunset' };
}

/** The consumer's waiver in force at `at`, the one lasting longest when several are. */
export function activeWaiver(
  waivers: readonly Waiver[],
  consumerId: string,
  at: number,
): Waiver | null {
  let best: Waiver | null = null;
  for (const waiver of waivers)
    if (waiver.consumer === consumerId && waiver.until > at && (!best || waiver.until > best.until))
      best = waiver;
  return best;
}

function brownoutAt(brownouts: readonly TimeWindow[], at: number): TimeWindow | null {
  return brownouts.find(({ start, end }) => start <= at && at < end) ?? null;
}

/** The first brownout window starting after `at` and before the sunset. */
export function nextBrownout(deprecation: Deprecation, at: number): TimeWindow | null {
  return (
    deprecation.brownouts.find(({ start }) => start > at && start < deprecation.sunsetAt) ?? null
  );
}
