/**
 * What schema owners read from usage: who uses a field coordinate, which deprecated fields are
 * still used and by whom, each consumer's top operations with error rate and latency
 * percentiles, and the per-stage SLA report. Reads the time-bucket hashes usage-aggregator.ts writes.
 */
import { isInterfaceType, isObjectType } from 'graphql';
import { GovernanceCode, GovernanceError } from '../errors';
import { stageReport, stagesOfRootFields, type StageReport, type StageSla } from './stage-sla';
import type { GovernanceStore } from '../store/governance-store';
import type { SupergraphSource } from '../../supergraph-manager';
import {
  emptyHistogram,
  parseUsageField,
  parseUsageHashKey,
  percentileOf,
  USAGE_KEY_PREFIX,
  type UsageHashKind,
} from './usage-aggregator';
import { checkTimelineHours, usageTimeline, type UsageTimeline } from './usage-timeline';

export interface UsageReportsDeps {
  store: GovernanceStore;
  supergraph: SupergraphSource;
  /** Width of the time buckets usage was written in (ms). */
  bucketMs: number;
  /** The SLA per stage. */
  stages: Readonly<Record<string, StageSla>>;
  /** How many days buckets are kept (reported with coordinate usage, so a reader knows what is beyond reach). */
  retentionDays: number;
  now?: () => number;
}

/** Who used something: per consumer, with the operations (and clients) that did. */
export interface ConsumerUsage {
  consumer: string;
  requests: number;
  operations: { operationId: string; operationName: string; clients: string[]; requests: number }[];
}

export interface FieldUsageReport {
  coordinate: string;
  days: number;
  /** Whether the current API schema has this field (usage of a removed field is still reported). */
  inSchema: boolean;
  deprecationReason: string | null;
  requests: number;
  consumers: ConsumerUsage[];
}

export interface DeprecatedUsageReport {
  days: number;
  /** Deprecated fields of the API schema used in the period, most used first. */
  fields: {
    coordinate: string;
    deprecationReason: string;
    requests: number;
    consumers: ConsumerUsage[];
  }[];
}

export interface OperationUsage {
  consumer: string;
  operationId: string;
  operationName: string;
  clients: { name: string; version: string; requests: number }[];
  requests: number;
  /** Requests with at least one error. */
  errors: number;
  errorRate: number;
  /** Errors per `extensions.code` (a request may have several). */
  errorsByCode: Record<string, number>;
  latencyMs: { p50: number | null; p95: number | null; p99: number | null };
}

export interface OperationsReport {
  consumer: string | null;
  days: number;
  operations: OperationUsage[];
}

/** Usage of many coordinates, each consumer counted over its own window (the registry's schema checks). */
export interface CoordinatesUsageReport {
  retentionDays: number;
  readAt: string;
  /** When usage was being recorded (merged bucket ranges), within the longest window: the rest holds no data. */
  recorded: { from: string; to: string }[];
  coordinates: {
    coordinate: string;
    consumers: {
      consumer: string;
      requests: number;
      operations: {
        operationId: string;
        operationName: string;
        requests: number;
        /** The end of the last bucket it was seen in, capped at readAt. */
        lastSeen: string;
      }[];
    }[];
  }[];
}

/** Per-consumer windows (ms): `consumers[id]`, else `defaultMs`. */
export interface UsageWindows {
  defaultMs: number;
  consumers: Record<string, number>;
}

export const MAX_REPORT_DAYS = 3660;
/** Coordinates one coordinate-usage report may ask for. */
export const MAX_REPORT_COORDINATES = 1000;

export function createUsageReports(deps: UsageReportsDeps) {
  const now = deps.now ?? Date.now;

  /** The hashes of one kind whose time bucket overlaps the last `days` days. */
  async function hashes(kind: UsageHashKind, days: number): Promise<Record<string, number>[]> {
    return (await bucketHashes(kind, days * 86_400_000, true)).map(({ fields }) => fields);
  }

  /** The buckets of one kind overlapping the last `ms`, with their start (and fields, when asked). */
  async function bucketHashes(
    kind: UsageHashKind,
    ms: number,
    withFields: boolean,
  ): Promise<{ bucketStart: number; fields: Record<string, number> }[]> {
    const since = now() - ms;
    const buckets = (await deps.store.keys(USAGE_KEY_PREFIX)).flatMap((key) => {
      const parsed = parseUsageHashKey(key);
      return parsed?.kind === kind && parsed.bucketStart + deps.bucketMs > since
        ? [{ key, bucketStart: parsed.bucketStart }]
        : [];
    });
    return Promise.all(
      buckets.map(async ({ key, bucketStart }) => ({
        bucketStart,
        fields: withFields ? await deps.store.fields(key) : {},
      })),
    );
  }

  /** Field usage rows matching `wanted`, grouped by coordinate then consumer. */
  async function fieldUsage(
    days: number,
    wanted: (coordinate: string) => boolean,
  ): Promise<Map<string, ConsumerUsage[]>> {
    const byCoordinate = new Map<
      string,
      Map<
        string,
        Map<
          string,
          { operationId: string; operationName: string; clients: Set<string>; requests: number }
        >
      >
    >();
    for (const hash of await hashes('fields', days)) {
      for (const [field, amount] of Object.entries(hash)) {
        const [consumer, clientName, operationId, operationName, coordinate] =
          parseUsageField(field);
        if (!wanted(coordinate)) continue;
        const consumers = getOrCreate(byCoordinate, coordinate, () => new Map());
        const operations = getOrCreate(consumers, consumer, () => new Map());
        const operation = getOrCreate(operations, `${operationId}|${operationName}`, () => ({
          operationId,
          operationName,
          clients: new Set<string>(),
          requests: 0,
        }));
        operation.clients.add(clientName);
        operation.requests += amount;
      }
    }
    const result = new Map<string, ConsumerUsage[]>();
    for (const [coordinate, consumers] of byCoordinate) {
      result.set(
        coordinate,
        [...consumers.entries()]
          .map(([consumer, operations]) => {
            const rows = [...operations.values()]
              .map((o) => ({ ...o, clients: [...o.clients].sort() }))
              .sort((a, b) => b.requests - a.requests);
            return {
              consumer,
              requests: rows.reduce((sum, o) => sum + o.requests, 0),
              operations: rows,
            };
          })
          .sort((a, b) => b.requests - a.requests || a.consumer.localeCompare(b.consumer)),
      );
    }
    return result;
  }

  /** Field coordinate → deprecation reason, for every field of the API schema. */
  function deprecations(): Map<string, string | null> {
    const fields = new Map<string, string | null>();
    for (const type of Object.values(deps.supergraph.apiSchema().getTypeMap())) {
      if (type.name.startsWith('__') || !(isObjectType(type) || isInterfaceType(type))) continue;
      for (const field of Object.values(type.getFields()))
        fields.set(`${type.name}.${field.name}`, field.deprecationReason ?? null);
    }
    return fields;
  }

  return {
    /** Which consumers and operations used `Type.field` in the last `days` days, with counts. */
    async field(coordinate: string, days: number): Promise<FieldUsageReport> {
      checkCoordinate(coordinate);
      checkDays(days);
      const consumers = (await fieldUsage(days, (c) => c === coordinate)).get(coordinate) ?? [];
      const schemaFields = deprecations();
      return {
        coordinate,
        days,
        inSchema: schemaFields.has(coordinate),
        deprecationReason: schemaFields.get(coordinate) ?? null,
        requests: consumers.reduce((sum, c) => sum + c.requests, 0),
        consumers,
      };
    },

    /**
     * Who used each coordinate, every consumer over its own window (no top-N): per operation, the
     * requests and when last seen (to the bucket), and when usage was recorded at all, so the reader
     * tells a window without traffic from one without data.
     */
    async coordinates(
      coordinates: string[],
      windows: UsageWindows,
    ): Promise<CoordinatesUsageReport> {
      for (const coordinate of coordinates) checkCoordinate(coordinate);
      const readAt = now();
      const windowOf = (consumer: string) =>
        Object.hasOwn(windows.consumers, consumer)
          ? windows.consumers[consumer]
          : windows.defaultMs;
      const longest = Math.max(windows.defaultMs, ...Object.values(windows.consumers));
      const wanted = new Set(coordinates);
      type Row = { operationId: string; operationName: string; requests: number; lastSeen: number };
      const found = new Map<string, Map<string, Map<string, Row>>>();
      for (const { bucketStart, fields } of await bucketHashes('fields', longest, true)) {
        const bucketEnd = Math.min(bucketStart + deps.bucketMs, readAt);
        for (const [field, amount] of Object.entries(fields)) {
          const [consumer, , operationId, operationName, coordinate] = parseUsageField(field);
          if (!wanted.has(coordinate) || bucketStart + deps.bucketMs <= readAt - windowOf(consumer))
            continue;
          const consumers = getOrCreate(found, coordinate, () => new Map());
          const operations = getOrCreate(consumers, consumer, () => new Map());
          const row = getOrCreate(operations, `${operationId}|${operationName}`, () => ({
            operationId,
            operationName,
            requests: 0,
            lastSeen: 0,
          }));
          row.requests += amount;
          row.lastSeen = Math.max(row.lastSeen, bucketEnd);
        }
      }
      const recorded = (await bucketHashes('recorded', longest, false))
        .map(({ bucketStart }) => bucketStart)
        .sort((a, b) => a - b)
        .reduce<{ from: number; to: number }[]>((ranges, start) => {
          const end = Math.min(start + deps.bucketMs, readAt);
          const last = ranges.at(-1);
          if (last && last.to >= start) last.to = Math.max(last.to, end);
          else ranges.push({ from: start, to: end });
          return ranges;
        }, []);
      const iso = (ms: number) => new Date(ms).toISOString();
      return {
        retentionDays: deps.retentionDays,
        readAt: iso(readAt),
        recorded: recorded.map(({ from, to }) => ({ from: iso(from), to: iso(to) })),
        coordinates: [...found.entries()]
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([coordinate, consumers]) => ({
            coordinate,
            consumers: [...consumers.entries()]
              .map(([consumer, operations]) => {
                const rows = [...operations.values()].sort((a, b) => b.requests - a.requests);
                return {
                  consumer,
                  requests: rows.reduce((sum, row) => sum + row.requests, 0),
                  operations: rows.map((row) => ({ ...row, lastSeen: iso(row.lastSeen) })),
                };
              })
              .sort((a, b) => b.requests - a.requests || a.consumer.localeCompare(b.consumer)),
          })),
      };
    },

    /** Deprecated fields still used in the last `days` days, and by whom. */
    async deprecated(days: number): Promise<DeprecatedUsageReport> {
      checkDays(days);
      const deprecated = new Map(
        [...deprecations()].filter((entry): entry is [string, string] => entry[1] !== null),
      );
      const used = await fieldUsage(days, (coordinate) => deprecated.has(coordinate));
      return {
        days,
        fields: [...used.entries()]
          .map(([coordinate, consumers]) => ({
            coordinate,
            deprecationReason: deprecated.get(coordinate)!,
            requests: consumers.reduce((sum, c) => sum + c.requests, 0),
            consumers,
          }))
          .sort((a, b) => b.requests - a.requests || a.coordinate.localeCompare(b.coordinate)),
      };
    },

    /** Top operations (of one consumer, or of all) by requests, with error rate and p50/p95/p99 latency. */
    async operations(consumer: string | null, days: number, limit = 20): Promise<OperationsReport> {
      checkDays(days);
      const byOperation = new Map<
        string,
        OperationUsage & { histogram: number[]; clientCounts: Map<string, number> }
      >();
      for (const hash of await hashes('operations', days)) {
        for (const [field, amount] of Object.entries(hash)) {
          const [who, clientName, clientVersion, operationId, operationName, metric] =
            parseUsageField(field);
          if (consumer !== null && who !== consumer) continue;
          const operation = getOrCreate(
            byOperation,
            `${who}|${operationId}|${operationName}`,
            () => ({
              consumer: who,
              operationId,
              operationName,
              clients: [],
              requests: 0,
              errors: 0,
              errorRate: 0,
              errorsByCode: {},
              latencyMs: { p50: null, p95: null, p99: null },
              histogram: emptyHistogram(),
              clientCounts: new Map(),
            }),
          );
          if (metric === 'requests') {
            operation.requests += amount;
            const client = JSON.stringify([clientName, clientVersion]);
            operation.clientCounts.set(client, (operation.clientCounts.get(client) ?? 0) + amount);
          } else if (metric === 'errors') operation.errors += amount;
          else if (metric.startsWith('error:')) {
            const code = metric.slice('error:'.length);
            operation.errorsByCode[code] = (operation.errorsByCode[code] ?? 0) + amount;
          } else if (metric.startsWith('latency:')) {
            const slot = Number(metric.slice('latency:'.length));
            if (slot >= 0 && slot < operation.histogram.length) operation.histogram[slot] += amount;
          }
        }
      }
      const operations = [...byOperation.values()]
        .map(({ histogram, clientCounts, ...operation }) => ({
          ...operation,
          clients: [...clientCounts.entries()]
            .map(([client, requests]) => {
              const [name, version] = JSON.parse(client) as [string, string];
              return { name, version, requests };
            })
            .sort((a, b) => b.requests - a.requests),
          errorRate: operation.requests === 0 ? 0 : operation.errors / operation.requests,
          latencyMs: {
            p50: percentileOf(histogram, 0.5),
            p95: percentileOf(histogram, 0.95),
            p99: percentileOf(histogram, 0.99),
          },
        }))
        .sort((a, b) => b.requests - a.requests || a.operationName.localeCompare(b.operationName))
        .slice(0, limit);
      return { consumer, days, operations };
    },

    /** Requests, errors and p95 per consumer and bucket over the last `hours`, and errors by code. */
    async timeline(consumer: string | null, hours: number): Promise<UsageTimeline> {
      checkTimelineHours(hours);
      return usageTimeline(await bucketHashes('operations', hours * 3_600_000, true), {
        hours,
        bucketMs: deps.bucketMs,
        now: now(),
        consumer,
      });
    },

    /** Latency, errors and volume per order-to-cash stage and consumer, against the SLA. */
    async stages(days: number): Promise<StageReport> {
      checkDays(days);
      const tagged = new Set(stagesOfRootFields(deps.supergraph).values());
      return stageReport(await hashes('stages', days), deps.stages, tagged, days);
    },
  };
}

export type UsageReports = ReturnType<typeof createUsageReports>;

function checkDays(days: number): void {
  if (!Number.isInteger(days) || days < 1 || days > MAX_REPORT_DAYS) {
    throw new GovernanceError(
      GovernanceCode.BAD_USER_INPUT,
      `"days" must be a whole number from 1 to ${MAX_REPORT_DAYS}`,
      { details: { argument: 'days' } },
    );
  }
}

function checkCoordinate(coordinate: string): void {
  if (!/^[_A-Za-z][_0-9A-Za-z]*\.[_A-Za-z][_0-9A-Za-z]*$/.test(coordinate)) {
    throw new GovernanceError(
      GovernanceCode.BAD_USER_INPUT,
      `"${coordinate}" is not a field coordinate such as Order.total`,
      { details: { argument: 'coordinate' } },
    );
  }
}

function getOrCreate<K, V>(map: Map<K, V>, key: K, create: () => V): V {
  let value = map.get(key);
  if (value === undefined) map.set(key, (value = create()));
  return value;
}
