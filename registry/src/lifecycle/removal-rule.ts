/**
 * How a check judges a breaking change to a coordinate that carries a sunset (issue 15):
 * - before the sunset it fails, naming who still uses it (the sunset is the promise made);
 * - from the sunset it passes once no consumer used it since its access ended (the sunset, or
 *   the end of its last waiver, once ended) and no waiver is in force; otherwise it fails naming them.
 * Gateways refuse the coordinate from the sunset, so a consumer's usage unknown for part of its
 * window cannot hide an allowed use: the unknown rule does not hold such a removal back.
 */
import { TypeInfo, visit, visitWithTypeInfo, type GraphQLSchema } from 'graphql';
import type { ConsumerUsageImpact, OperationFailure } from '../checks/check-report';
import type { ParsedOperation } from '../checks/registered-operations';
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
    // Use under a waiver that has ended was allowed; under one in force it is use since the sunset.
    const ended = Math.max(
      sunsetMs,
      ...own
        .filter((w) => w.consumer === user.consumer && Date.parse(w.until) <= now)
        .map((w) => Date.parse(w.until)),
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

/**
 * Registered operations gateways refuse already: each selects a field past its sunset without a
 * waiver in force for its consumer (FIELD_SUNSET). A change that breaks them breaks nothing that
 * runs, so the check reports them as failing before the change, not as broken by it. Keyed
 * `consumer\0operationId`, valued with the coordinates that made them so.
 */
export function refusedSinceSunset(
  parsed: ParsedOperation[],
  schema: GraphQLSchema,
  deprecations: DeprecationRecord[],
  waivers: WaiverRecord[],
  now: number,
): Map<string, string[]> {
  const sunset = new Set(
    deprecations
      .filter((d) => now >= startOfDateUtc(d.sunset)! && !d.coordinate.includes('('))
      .map((d) => d.coordinate),
  );
  const refused = new Map<string, string[]>();
  if (sunset.size === 0) return refused;
  for (const { consumer, operation, document } of parsed) {
    const waived = new Set(
      waivers
        .filter(
          (w) => w.consumer === consumer.id && w.revokedAt === null && Date.parse(w.until) > now,
        )
        .map((w) => w.coordinate),
    );
    const hits = new Set<string>();
    const typeInfo = new TypeInfo(schema);
    visit(
      document,
      visitWithTypeInfo(typeInfo, {
        Field() {
          const parent = typeInfo.getParentType();
          const field = typeInfo.getFieldDef();
          if (!parent || !field) return;
          const coordinate = `${parent.name}.${field.name}`;
          if (sunset.has(coordinate) && !waived.has(coordinate)) hits.add(coordinate);
        },
      }),
    );
    if (hits.size > 0) refused.set(`${consumer.id}\0${operation.id}`, [...hits].sort());
  }
  return refused;
}

/** Moves the failures of operations refused since a sunset to the ones failing before the change. */
export function asFailingAlready(
  report: { failures: OperationFailure[]; alreadyFailing: OperationFailure[] },
  refused: Map<string, string[]>,
): void {
  report.failures = report.failures.filter((failure) => {
    const coordinates = refused.get(`${failure.consumer}\0${failure.operationId}`);
    if (!coordinates) return true;
    report.alreadyFailing.push({
      ...failure,
      reasons: [
        ...failure.reasons,
        `refused by gateways since the sunset of ${coordinates.join(', ')} (FIELD_SUNSET)`,
      ],
    });
    return false;
  });
}
