/**
 * What a response tells its client about the deprecated coordinates its operation uses:
 *   Deprecation: @<epoch seconds>             RFC 9745: the earliest deprecation among them
 *   Sunset: <HTTP-date>                       RFC 8594: the earliest sunset among them
 *   Link: <url>; rel="deprecation"            RFC 9745: each distinct link the registry holds
 *   Switchyard-Brownout: "<coordinate>";start=@<s>;end=@<s>, ...
 *                                             the next scheduled brownout of each (RFC 9651 list)
 * and `extensions.deprecations`, one entry per coordinate.
 */
import type { Deprecation } from './deprecation-feed';
import type { DeprecationPhase } from './deprecation-phase';

export const BROWNOUT_HEADER = 'Switchyard-Brownout';

/** One entry of `extensions.deprecations`. */
export interface DeprecationNotice {
  coordinate: string;
  reason: string;
  /** YYYY-MM-DD: refused from 00:00 UTC of that day. */
  sunset: string;
  replacement: string | null;
  link: string | null;
  deprecatedAt: string;
  /** The next brownout window before the sunset, when one is scheduled. */
  nextBrownout?: { start: string; end: string };
  /** Past the sunset (or in a brownout) under a waiver: served until then. */
  waiverUntil?: string;
}

/** The headers that do not depend on the time of the request: Deprecation, Sunset and Link. */
export function lifecycleHeaders(deprecations: readonly Deprecation[]): Record<string, string> {
  if (deprecations.length === 0) return {};
  const deprecatedAt = Math.min(...deprecations.map((d) => d.deprecatedAt));
  const sunsetAt = Math.min(...deprecations.map((d) => d.sunsetAt));
  const headers: Record<string, string> = {
    Deprecation: `@${Math.floor(deprecatedAt / 1000)}`,
    Sunset: new Date(sunsetAt).toUTCString(),
  };
  const links = [...new Set(deprecations.flatMap((d) => (d.link ? [d.link] : [])))];
  if (links.length > 0) headers.Link = links.map((url) => `<${url}>; rel="deprecation"`).join(', ');
  return headers;
}

/** The Switchyard-Brownout value for the coordinates with a brownout ahead; null when none has. */
export function brownoutHeader(
  phases: readonly { deprecation: Deprecation; phase: DeprecationPhase }[],
): string | null {
  const items = phases.flatMap(({ deprecation, phase }) =>
    phase.kind === 'announced' && phase.nextBrownout
      ? [
          `"${deprecation.coordinate}";start=@${Math.floor(phase.nextBrownout.start / 1000)};end=@${Math.floor(phase.nextBrownout.end / 1000)}`,
        ]
      : [],
  );
  return items.length > 0 ? items.join(', ') : null;
}

export function noticeOf(deprecation: Deprecation, phase: DeprecationPhase): DeprecationNotice {
  const notice: DeprecationNotice = {
    coordinate: deprecation.coordinate,
    reason: deprecation.reason,
    sunset: deprecation.sunset,
    replacement: deprecation.replacement,
    link: deprecation.link,
    deprecatedAt: new Date(deprecation.deprecatedAt).toISOString(),
  };
  if (phase.kind === 'announced' && phase.nextBrownout)
    notice.nextBrownout = {
      start: new Date(phase.nextBrownout.start).toISOString(),
      end: new Date(phase.nextBrownout.end).toISOString(),
    };
  if (phase.kind === 'waived') notice.waiverUntil = new Date(phase.waiver.until).toISOString();
  return notice;
}
