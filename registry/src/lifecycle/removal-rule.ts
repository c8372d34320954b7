/**
 * How a check judges a breaking change to a coordinate that carries a sunset (issue 15):
 * - before the sunset it fails, naming who still uses it (the sunset is the promise made);
 * - from the sunset it passes once no consumer used it since its access ended (the sunset, or
 *   the end of its last waiver) and no waiver is in force; otherwise it fails naming them.
 * Gateways refuse the coordinate from the sunset, so a consumer's usage unknown for part of its
 * window cannot hide an allowed use: the unknown rule does not hold such a removal back.
 */
import type { ConsumerUsageImpact } from '../checks/check-report';
import type { DeprecationRecord, WaiverRecord } from '../storage/lifecycle-store';
import { startOfDateUtc } from './schema-coordinates';

export interface RemovalVerdict {
  failure?: string;
  warning?: string;
}

/** The check's form of a coordinate (`Type.field.arg`) for a deprecation's (`Type.field(arg:)`). */
const changeCoordinateOf = (coordinate: string) => coordinate.replace(/\((\w+):\)$/, '.$1');

export function deprecationOfChange(
  coordinate: string,
  deprecations: DeprecationRecord[],
): DeprecationRecord | undefined {
  return deprecations.find((d) => changeCoordinateOf(d.coordinate) === coordinate);
}

export function judgeRemoval(
  what: string,
  deprecation: DeprecationRecord,
  users: ConsumerUsageImpact[],
  waivers: WaiverRecord[],
  now: number,
): RemovalVerdict {
  const sunsetMs = startOfDateUtc(deprecation.sunset)!;
  const names = (list: ConsumerUsageImpact[]) =>
    list.map((u) => `${u.consumer} (last ${u.lastSeen})`).join('; ');
  if (now < sunsetMs)
    return {
      failure: `${what}: it is deprecated with sunset ${deprecation.sunset}, not reached yet${users.length > 0 ? `; still used by ${names(users)}` : ''}`,
    };
  const own = waivers.filter(
    (w) => w.coordinate === deprecation.coordinate && w.revokedAt === null,
  );
  const inForce = own.filter((w) => Date.parse(w.until) > now);
  const stillUsing = users.filter((user) => {
    const ended = Math.max(
      sunsetMs,
      ...own.filter((w) => w.consumer === user.consumer).map((w) => Date.parse(w.until)),
    );
    return Date.parse(user.lastSeen) > ended;
  });
  if (stillUsing.length > 0 || inForce.length > 0)
    return {
      failure: [
        `${what}: past its sunset ${deprecation.sunset}`,
        stillUsing.length > 0 ? `used since by ${names(stillUsing)}` : '',
        inForce.length > 0
          ? `waiver in force for ${inForce.map((w) => `${w.consumer} (until ${w.until})`).join(', ')}`
          : '',
      ]
        .filter(Boolean)
        .join('; '),
    };
  return {
    warning: `${what}: past its sunset ${deprecation.sunset}, and no consumer used it since (nor holds a waiver)`,
  };
}
