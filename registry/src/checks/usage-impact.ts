/**
 * Usage impact of the breaking and dangerous changes, by authenticated consumer: every consumer
 * and operation that used a changed coordinate within that consumer's window, with request count
 * and last seen (no top-N cap), and the consumers whose use is unknown.
 *
 * Unknown is not safe (UNKNOWN_RULE below): a breaking change passes as unused only when every
 * consumer that could send it has usage recorded for its whole window showing no use.
 */
import {
  getNamedType,
  isInputObjectType,
  isInterfaceType,
  isObjectType,
  type GraphQLInputType,
  type GraphQLNamedType,
  type GraphQLSchema,
} from 'graphql';
import { daysOf, spanText, type CheckPolicy, type ConsumerPolicy } from './check-policy';
import type { ConsumerUsageImpact, SchemaChange, UsageCoverage, UsageImpact } from './check-report';
import {
  SourceUnavailableError,
  type GovernanceSources,
  type UsageReading,
} from './governance-sources';
import { API_SCHEMA } from './schema-variants';

export const UNKNOWN_RULE =
  'Unknown is not safe: a breaking change passes as unused only when every consumer that could send it ' +
  '(its schema has the coordinate and it may run free-form documents) has usage recorded for its whole window, ' +
  'showing no use. Where part of such a window holds no usage data (a new install, usage switched off, the ' +
  'gateway or its store unreachable, a window longer than usage retention), the change is unknown for that ' +
  'consumer and fails the check until approved. Recorded time without traffic is known non-use, so a quiet ' +
  'graph does not fail every change (the trouble of rover#1447); consumers that run registered operations only ' +
  'are judged by those operations, which are checked with or without traffic.';

export interface UsageImpactResult {
  impacts: UsageImpact[];
  coverage: UsageCoverage;
}

export async function usageImpact(
  changes: SchemaChange[],
  schemas: GraphQLSchema[],
  policy: CheckPolicy,
  sources: GovernanceSources,
  now: number,
): Promise<UsageImpactResult> {
  const judged = changes.filter((change) => change.level !== 'safe');
  const coordinatesOf = new Map(
    judged.map((change) => [change, usageCoordinatesOf(change.coordinate, schemas)]),
  );
  const wanted = [...new Set([...coordinatesOf.values()].flat())].sort();

  let reading: UsageReading | null = null;
  let unavailable: string | undefined;
  try {
    reading = await sources.usage({
      coordinates: wanted,
      defaultWindowMs: policy.defaultWindowMs,
      windows: Object.fromEntries(policy.consumers.map((c) => [c.id, c.windowMs])),
    });
  } catch (error) {
    if (!(error instanceof SourceUnavailableError)) throw error;
    unavailable = error.message;
  }
  const coverage = coverageOf(policy, reading, unavailable, now);
  const incomplete = new Map(
    coverage.consumers.filter((c) => !c.complete).map((c) => [c.consumer, c]),
  );
  const windowOf = (consumer: string) =>
    policy.consumers.find((c) => c.id === consumer)?.windowMs ?? policy.defaultWindowMs;

  const impacts = judged.map((change): UsageImpact => {
    const usageCoordinates = coordinatesOf.get(change)!;
    const consumers = consumersUsing(usageCoordinates, reading, windowOf);
    const seen = new Set(consumers.map((c) => c.consumer));
    const unknown = policy.consumers
      .filter(
        (consumer) =>
          !seen.has(consumer.id) &&
          !consumer.persistedOnly &&
          couldSend(consumer, change) &&
          incomplete.has(consumer.id),
      )
      .map((consumer) => ({
        consumer: consumer.id,
        reason: incomplete.get(consumer.id)!.reason ?? 'usage unknown',
      }));
    return {
      coordinate: change.coordinate,
      changeType: change.type,
      level: change.level,
      usageCoordinates,
      consumers,
      unknown,
    };
  });
  return { impacts, coverage };
}

/** A consumer could send the changed coordinate when the schema it is served is one the change touches. */
function couldSend(consumer: ConsumerPolicy, change: SchemaChange): boolean {
  return change.schemas.includes(consumer.contract ?? API_SCHEMA);
}

function consumersUsing(
  coordinates: string[],
  reading: UsageReading | null,
  windowOf: (consumer: string) => number,
): ConsumerUsageImpact[] {
  if (!reading) return [];
  const wanted = new Set(coordinates);
  // An operation selecting several of the coordinates is counted once: its requests, not one per field.
  const byConsumer = new Map<
    string,
    Map<string, { name: string; requests: number; lastSeen: number }>
  >();
  for (const row of reading.rows) {
    if (!wanted.has(row.coordinate) || row.requests <= 0) continue;
    let operations = byConsumer.get(row.consumer);
    if (!operations) byConsumer.set(row.consumer, (operations = new Map()));
    const key = `${row.operationId}\0${row.operationName}`;
    const known = operations.get(key);
    operations.set(key, {
      name: row.operationName,
      requests: Math.max(known?.requests ?? 0, row.requests),
      lastSeen: Math.max(known?.lastSeen ?? 0, row.lastSeen),
    });
  }
  return [...byConsumer.entries()]
    .map(([consumer, operations]) => {
      const rows = [...operations.entries()]
        .map(([key, { name, requests, lastSeen }]) => ({
          operationId: key.split('\0')[0],
          operationName: name,
          requests,
          lastSeen: new Date(lastSeen).toISOString(),
        }))
        .sort((a, b) => b.requests - a.requests || a.operationName.localeCompare(b.operationName));
      return {
        consumer,
        windowDays: daysOf(windowOf(consumer)),
        requests: rows.reduce((sum, row) => sum + row.requests, 0),
        lastSeen: rows
          .map((row) => row.lastSeen)
          .sort()
          .at(-1)!,
        operations: rows,
      };
    })
    .sort((a, b) => b.requests - a.requests || a.consumer.localeCompare(b.consumer));
}

/** How much of each declared consumer's window the recorded usage covers. */
function coverageOf(
  policy: CheckPolicy,
  reading: UsageReading | null,
  unavailable: string | undefined,
  now: number,
): UsageCoverage {
  if (!reading) {
    return {
      available: false,
      reason: unavailable,
      consumers: policy.consumers.map((consumer) => ({
        consumer: consumer.id,
        windowDays: daysOf(consumer.windowMs),
        knownDays: 0,
        complete: false,
        reason: `usage could not be read (${unavailable})`,
        persistedOnly: consumer.persistedOnly,
      })),
    };
  }
  const at = reading.readAt || now;
  const retentionMs = reading.retentionDays * 86_400_000;
  return {
    available: true,
    retentionDays: reading.retentionDays,
    consumers: policy.consumers.map((consumer) => {
      const from = at - consumer.windowMs;
      const knownMs = reading.recorded.reduce(
        (sum, range) => sum + Math.max(0, Math.min(range.to, at) - Math.max(range.from, from)),
        0,
      );
      // Within a second: the window's edges fall inside recorded buckets, never beyond them.
      const complete = knownMs >= consumer.windowMs - 1_000;
      let reason: string | undefined;
      if (!complete) {
        reason =
          consumer.windowMs > retentionMs
            ? `its window is ${spanText(daysOf(consumer.windowMs))} but usage is kept ${reading.retentionDays} days (usage.retentionDays): the rest is unknown; usage recorded for ${spanText(daysOf(knownMs))}`
            : `usage was recorded for ${spanText(daysOf(knownMs))} of its ${spanText(daysOf(consumer.windowMs))} (a new install, usage switched off, or the gateway away)`;
      }
      return {
        consumer: consumer.id,
        windowDays: daysOf(consumer.windowMs),
        knownDays: daysOf(Math.min(knownMs, consumer.windowMs)),
        complete,
        ...(reason ? { reason } : {}),
        persistedOnly: consumer.persistedOnly,
      };
    }),
  };
}

/**
 * The usage coordinates (`Type.field`, what the gateway's usage records) a schema coordinate's
 * change reaches: the field itself (for a field or its argument); for a type, its fields and every
 * field returning it; for an enum, input type or scalar (or their values and fields), every field
 * returning it or taking it in an argument (through nested input types).
 */
export function usageCoordinatesOf(coordinate: string, schemas: GraphQLSchema[]): string[] {
  const [typeName, member] = coordinate.split('.');
  const type = schemas.map((schema) => schema.getType(typeName)).find(Boolean);
  if (!type) return [];
  if ((isObjectType(type) || isInterfaceType(type)) && member) return [`${typeName}.${member}`];
  const found = new Set<string>();
  for (const schema of schemas) {
    for (const candidate of Object.values(schema.getTypeMap())) {
      if (candidate.name.startsWith('__')) continue;
      if (!(isObjectType(candidate) || isInterfaceType(candidate))) continue;
      for (const field of Object.values(candidate.getFields())) {
        const own = candidate.name === typeName;
        const returns = getNamedType(field.type).name === typeName;
        const takes = field.args.some((arg) => reaches(arg.type, typeName, new Set()));
        if (own || returns || takes) found.add(`${candidate.name}.${field.name}`);
      }
    }
  }
  return [...found].sort();
}

/** Whether an input type is, or contains through input object fields, the named type. */
function reaches(type: GraphQLInputType, target: string, seen: Set<string>): boolean {
  const named: GraphQLNamedType = getNamedType(type);
  if (named.name === target) return true;
  if (!isInputObjectType(named) || seen.has(named.name)) return false;
  seen.add(named.name);
  return Object.values(named.getFields()).some((field) => reaches(field.type, target, seen));
}
