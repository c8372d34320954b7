/**
 * Deprecations with a sunset (issue 15), the registry's side: the records (kept with the schema
 * version that carried the @deprecated), brownouts, waivers, their history, who uses each
 * coordinate (the gateways' usage, each consumer over its own window), the feed gateways enforce
 * (GET /deprecations), and the notices: a consumer that used a coordinate in its window is told
 * when it is deprecated, 30 and 7 days before its sunset, when a brownout starts, and when a check
 * that breaks it is approved; a consumer that did not is never told. `tick()` (driven by the
 * registry's clock) sends what is due; each notice goes once (the notifications table's key).
 */
import { createHash, randomUUID } from 'node:crypto';
import { buildSchema, Kind, parse, type GraphQLSchema } from 'graphql';
import type { Consumer } from '@switchyard/gateway/src/governance/consumer';
import type { GovernanceConfig } from '@switchyard/gateway/src/governance/governance-config';
import { checkPolicyOf, daysOf } from '../checks/check-policy';
import type { CheckRun } from '../storage/registry-store';
import { SourceUnavailableError, type GovernanceSources } from '../checks/governance-sources';
import { badInput, notFound, RegistryCode, RegistryError } from '../errors';
import {
  createWebhookNotifier,
  type WebhookNotifier,
  type WebhookNotifierOptions,
} from '../notifications/webhook-notifier';
import type {
  Brownout,
  DeprecationRecord,
  LifecycleEvent,
  NotificationRecord,
  WaiverRecord,
} from '../storage/lifecycle-store';
import type { RegistryStore } from '../storage/registry-store';
import {
  instantOf,
  resolveCoordinate,
  startOfDateUtc,
  typeAndMemberOf,
  type ResolvedCoordinate,
} from './schema-coordinates';

const DAY = 86_400_000;
/** Reminders before the sunset: kind and how long before. */
const REMINDERS = [
  { kind: 'sunset-in-30-days', beforeMs: 30 * DAY },
  { kind: 'sunset-in-7-days', beforeMs: 7 * DAY },
] as const;

export interface DeprecationServiceOptions {
  store: RegistryStore;
  graph: string;
  /** The gateways' governance config: consumers, their usage windows and webhooks. */
  governance: GovernanceConfig | (() => GovernanceConfig);
  /** Usage, through the gateway's admin API (as the checks read it). */
  sources: Pick<GovernanceSources, 'usage'>;
  /** The registry's clock (ms). Default Date.now. */
  clock?: () => number;
  /** Delivery settings (retries, backoff, fetch). */
  delivery?: Partial<
    Pick<
      WebhookNotifierOptions,
      'maxAttempts' | 'backoffMs' | 'maxBackoffMs' | 'timeoutMs' | 'fetch'
    >
  >;
}

export interface DeprecateInput {
  coordinate: string;
  sunset: string;
  replacement?: string | null;
  link?: string | null;
  brownouts?: Brownout[];
}

/** One consumer's use of a coordinate within its window. */
export interface CoordinateUser {
  consumer: string;
  requests: number;
  lastSeen: string;
  operations: string[];
  windowDays: number;
}

export interface UsageOfCoordinate {
  available: boolean;
  reason?: string;
  users: CoordinateUser[];
}

/** The feed gateways enforce: see the README's interface and gateway/src/governance/deprecations. */
export interface DeprecationFeed {
  etag: string;
  deprecations: {
    coordinate: string;
    reason: string;
    sunset: string;
    replacement: string | null;
    link: string | null;
    deprecatedAt: string;
    schemaVersion: number;
    brownouts: Brownout[];
    waivers: { consumer: string; until: string; reason: string }[];
  }[];
}

export interface NoticeOutcome {
  consumer: string;
  kind: string;
  outcome: 'queued' | 'already-sent' | 'no-webhook';
}

export interface ImpactReport {
  coordinate: string;
  deprecation: DeprecationRecord | null;
  usage: { available: boolean; reason?: string };
  /** Consumers that used it in their window: told when they have a webhook. */
  told: (CoordinateUser & { webhook: boolean; why: string })[];
  /** Declared consumers that did not use it in their window: never told. */
  notTold: string[];
}

export interface DeprecationService {
  deprecate(
    input: DeprecateInput,
    caller: Consumer,
  ): Promise<{
    deprecation: DeprecationRecord;
    notices: NoticeOutcome[];
    usage: UsageOfCoordinate;
  }>;
  /** The subgraphs whose current SDL defines the coordinate's member (its owners). */
  owners(coordinate: string): Promise<string[]>;
  feed(): Promise<DeprecationFeed>;
  /** Resolves when the feed's etag is no longer `etag`, or after `waitMs`, or on abort. */
  waitForFeedChange(etag: string, waitMs: number, signal: AbortSignal): Promise<void>;
  /** Every deprecation with its state, its active waivers and who used it in their window. */
  list(): Promise<
    (DeprecationRecord & {
      state: 'announced' | 'brownout' | 'sunset';
      waivers: WaiverRecord[];
      usage: UsageOfCoordinate;
    })[]
  >;
  grantWaiver(
    input: { coordinate: string; consumer: string; until: string; reason: string },
    caller: Consumer,
  ): Promise<WaiverRecord>;
  revokeWaiver(id: string, caller: Consumer): Promise<WaiverRecord>;
  history(coordinate?: string): Promise<LifecycleEvent[]>;
  impact(coordinate: string): Promise<ImpactReport>;
  /** Tells the consumers an approved check breaks (the check's usage impact), once per check. */
  checkApproved(run: CheckRun, approval: { id: string; reason: string }): Promise<NoticeOutcome[]>;
  /** Queues what is due now (reminders, brownout starts, consumers newly using a deprecation) and delivers. */
  tick(): Promise<NoticeOutcome[]>;
  notifications(filter: {
    consumer?: string;
    coordinate?: string;
    limit?: number;
  }): Promise<NotificationRecord[]>;
  /** Deprecations and waivers as the removal check judges them. */
  forChecks(): Promise<{ deprecations: DeprecationRecord[]; waivers: WaiverRecord[] }>;
  /** Resolves when the deliveries started so far are done (tests, shutdown). */
  idle(): Promise<void>;
}

export function createDeprecationService(options: DeprecationServiceOptions): DeprecationService {
  const { store, graph } = options;
  const lifecycle = store.lifecycle;
  const clock = options.clock ?? Date.now;
  const governance = () =>
    typeof options.governance === 'function' ? options.governance() : options.governance;
  const notifier: WebhookNotifier = createWebhookNotifier({
    ...options.delivery,
    store: lifecycle,
    graph,
    clock,
    webhookOf: (consumer) =>
      governance().consumers.find((c) => c.id === consumer)?.notify?.webhook ?? null,
  });
  let deliveries: Promise<void> = Promise.resolve();
  const deliverSoon = () => {
    deliveries = deliveries.then(() => notifier.deliverDue()).catch(() => undefined);
  };
  const changeListeners = new Set<() => void>();
  const changed = () => {
    for (const listener of changeListeners) listener();
  };

  let schemaCache: { version: number; schema: GraphQLSchema } | null = null;
  async function currentSchema(): Promise<{ version: number; schema: GraphQLSchema }> {
    const current = await store.currentSupergraph(graph);
    if (!current)
      throw new RegistryError(RegistryCode.NOT_FOUND, 'The registry holds no supergraph yet', 404);
    if (schemaCache?.version !== current.version)
      schemaCache = { version: current.version, schema: buildSchema(current.apiSchemaSdl) };
    return schemaCache;
  }

  async function resolved(coordinate: string): Promise<ResolvedCoordinate & { version: number }> {
    if (typeof coordinate !== 'string' || !typeAndMemberOf(coordinate))
      throw badInput(
        `"${String(coordinate).slice(0, 120)}" is not a coordinate: Type.field, Type.field(arg:) or Enum.VALUE`,
        { field: 'coordinate' },
      );
    const { version, schema } = await currentSchema();
    const found = resolveCoordinate(schema, coordinate);
    if (!found)
      throw new RegistryError(
        RegistryCode.COORDINATE_NOT_FOUND,
        `The current schema (version ${version}) has no ${coordinate}`,
        404,
        { coordinate, version },
      );
    return { ...found, version };
  }

  async function usageOf(usageCoordinates: string[]): Promise<UsageOfCoordinate> {
    const policy = checkPolicyOf(governance());
    const windowOf = (consumer: string) =>
      policy.consumers.find((c) => c.id === consumer)?.windowMs ?? policy.defaultWindowMs;
    try {
      const reading = await options.sources.usage({
        coordinates: usageCoordinates,
        defaultWindowMs: policy.defaultWindowMs,
        windows: Object.fromEntries(policy.consumers.map((c) => [c.id, c.windowMs])),
      });
      const byConsumer = new Map<string, CoordinateUser>();
      for (const row of reading.rows) {
        if (row.requests <= 0 || !usageCoordinates.includes(row.coordinate)) continue;
        const user = byConsumer.get(row.consumer) ?? {
          consumer: row.consumer,
          requests: 0,
          lastSeen: new Date(0).toISOString(),
          operations: [],
          windowDays: daysOf(windowOf(row.consumer)),
        };
        user.requests += row.requests;
        const seen = new Date(row.lastSeen).toISOString();
        if (seen > user.lastSeen) user.lastSeen = seen;
        const name = row.operationName || row.operationId;
        if (!user.operations.includes(name)) user.operations.push(name);
        byConsumer.set(row.consumer, user);
      }
      return {
        available: true,
        users: [...byConsumer.values()].sort((a, b) => a.consumer.localeCompare(b.consumer)),
      };
    } catch (error) {
      if (!(error instanceof SourceUnavailableError)) throw error;
      return { available: false, reason: error.message, users: [] };
    }
  }

  function payloadOf(record: DeprecationRecord, user: CoordinateUser): Record<string, unknown> {
    return {
      reason: record.reason,
      sunset: record.sunset,
      sunsetAt: new Date(startOfDateUtc(record.sunset)!).toISOString(),
      replacement: record.replacement,
      link: record.link,
      brownouts: record.brownouts,
      yourUse: {
        requests: user.requests,
        lastSeen: user.lastSeen,
        operations: user.operations,
        windowDays: user.windowDays,
      },
    };
  }

  /** Queues every notice due now for one deprecation, to the consumers that used it. */
  async function noticesDue(record: DeprecationRecord): Promise<NoticeOutcome[]> {
    const now = clock();
    const sunsetMs = startOfDateUtc(record.sunset)!;
    const kinds: { kind: string; occurrence?: string; extra?: Record<string, unknown> }[] = [
      { kind: 'deprecated' },
    ];
    for (const reminder of REMINDERS) {
      const at = sunsetMs - reminder.beforeMs;
      // Announced after the reminder's day: the 'deprecated' notice said the date already.
      if (now >= at && now < sunsetMs && Date.parse(record.deprecatedAt) < at)
        kinds.push({ kind: reminder.kind });
    }
    for (const brownout of record.brownouts)
      if (Date.parse(brownout.start) <= now && now < Date.parse(brownout.end))
        kinds.push({ kind: 'brownout-started', occurrence: brownout.start, extra: { brownout } });
    const resolvedNow = await resolved(record.coordinate).catch(() => null);
    const usage = await usageOf(resolvedNow?.usageCoordinates ?? [record.coordinate]);
    const outcomes: NoticeOutcome[] = [];
    for (const user of usage.users)
      for (const { kind, occurrence, extra } of kinds)
        outcomes.push({
          consumer: user.consumer,
          kind,
          outcome: await notifier.enqueue({
            consumer: user.consumer,
            coordinate: record.coordinate,
            kind,
            occurrence,
            payload: { ...payloadOf(record, user), ...extra },
          }),
        });
    return outcomes;
  }

  function stateOf(record: DeprecationRecord, now: number): 'announced' | 'brownout' | 'sunset' {
    if (now >= startOfDateUtc(record.sunset)!) return 'sunset';
    return record.brownouts.some((b) => Date.parse(b.start) <= now && now < Date.parse(b.end))
      ? 'brownout'
      : 'announced';
  }

  async function feed(): Promise<DeprecationFeed> {
    const [records, waivers] = await Promise.all([
      lifecycle.deprecations(graph),
      lifecycle.waivers(graph),
    ]);
    const deprecations = records.map((record) => ({
      coordinate: record.coordinate,
      reason: record.reason,
      sunset: record.sunset,
      replacement: record.replacement,
      link: record.link,
      deprecatedAt: record.deprecatedAt,
      schemaVersion: record.schemaVersion,
      brownouts: record.brownouts,
      // Revoked ones are gone; expired ones stay (the gateway compares `until` with its clock).
      waivers: waivers
        .filter((w) => w.coordinate === record.coordinate && w.revokedAt === null)
        .map((w) => ({ consumer: w.consumer, until: w.until, reason: w.reason })),
    }));
    const digest = createHash('sha256')
      .update(JSON.stringify(deprecations))
      .digest('hex')
      .slice(0, 16);
    return { etag: `"dep-${digest}"`, deprecations };
  }

  return {
    async deprecate(input, caller) {
      const body = input as Partial<DeprecateInput>;
      const coordinate = body.coordinate as string;
      const found = await resolved(coordinate);
      if (found.deprecationReason === null)
        throw new RegistryError(
          RegistryCode.COORDINATE_NOT_DEPRECATED,
          `${coordinate} is not @deprecated in the current schema (version ${found.version}): deprecate it in its subgraph with a reason and publish, then give it a sunset`,
          409,
          { coordinate, version: found.version },
        );
      const now = clock();
      const sunsetMs = typeof body.sunset === 'string' ? startOfDateUtc(body.sunset) : null;
      if (sunsetMs === null)
        throw badInput('sunset must be a date, YYYY-MM-DD (it takes effect at 00:00 UTC)', {
          field: 'sunset',
        });
      if (sunsetMs <= now)
        throw badInput(`sunset ${body.sunset} is not in the future`, { field: 'sunset' });
      const replacement = body.replacement ?? null;
      if (replacement !== null) {
        const target = await resolved(replacement).catch((error: unknown) => {
          if (error instanceof RegistryError)
            throw badInput(`replacement ${String(replacement)}: ${error.message}`, {
              field: 'replacement',
            });
          throw error;
        });
        if (target.deprecationReason !== null)
          throw badInput(`replacement ${replacement} is itself deprecated`, {
            field: 'replacement',
          });
      }
      const link = body.link ?? null;
      if (link !== null && !isHttpUrl(link))
        throw badInput('link must be an http(s) URL', { field: 'link' });
      const brownouts = brownoutsOf(body.brownouts ?? [], sunsetMs);
      const existing = await lifecycle.deprecation(graph, coordinate);
      const at = new Date(now).toISOString();
      const record: DeprecationRecord = {
        coordinate,
        reason: found.deprecationReason,
        sunset: body.sunset!,
        replacement,
        link,
        brownouts,
        schemaVersion: existing?.schemaVersion ?? found.version,
        deprecatedBy: existing?.deprecatedBy ?? authorOf(caller),
        deprecatedAt: existing?.deprecatedAt ?? at,
        updatedAt: at,
      };
      await lifecycle.saveDeprecation(graph, record, {
        coordinate,
        kind: existing ? 'deprecation-changed' : 'deprecated',
        actor: authorOf(caller),
        detail: {
          sunset: record.sunset,
          replacement,
          link,
          brownouts,
          schemaVersion: found.version,
          ...(existing
            ? {
                before: {
                  sunset: existing.sunset,
                  replacement: existing.replacement,
                  link: existing.link,
                  brownouts: existing.brownouts,
                },
              }
            : {}),
        },
        at,
      });
      changed();
      const notices = await noticesDue(record);
      deliverSoon();
      return {
        deprecation: record,
        notices,
        usage: await usageOf(found.usageCoordinates),
      };
    },

    async owners(coordinate) {
      const target = typeAndMemberOf(coordinate);
      if (!target) return [];
      const owners: string[] = [];
      for (const subgraph of await store.currentSubgraphs(graph)) {
        let document;
        try {
          document = parse(subgraph.sdl);
        } catch {
          continue;
        }
        const defines = document.definitions.some((definition) => {
          if (!('name' in definition) || definition.name?.value !== target.type) return false;
          if (
            definition.kind === Kind.ENUM_TYPE_DEFINITION ||
            definition.kind === Kind.ENUM_TYPE_EXTENSION
          )
            return definition.values?.some((value) => value.name.value === target.member) ?? false;
          if ('fields' in definition)
            return (
              definition.fields?.some(
                (field: { name: { value: string } }) => field.name.value === target.member,
              ) ?? false
            );
          return false;
        });
        if (defines) owners.push(subgraph.subgraph);
      }
      return owners;
    },

    feed,

    async waitForFeedChange(etag, waitMs, signal) {
      const deadline = Date.now() + waitMs;
      while (!signal.aborted && Date.now() < deadline) {
        // Woken by a change in this process; every second, for one another replica wrote.
        await new Promise<void>((resolve) => {
          const done = () => {
            clearTimeout(timer);
            changeListeners.delete(done);
            signal.removeEventListener('abort', done);
            resolve();
          };
          const timer = setTimeout(done, Math.min(1_000, Math.max(0, deadline - Date.now())));
          changeListeners.add(done);
          signal.addEventListener('abort', done);
        });
        if ((await feed()).etag !== etag) return;
      }
    },

    async list() {
      const now = clock();
      const [records, waivers] = await Promise.all([
        lifecycle.deprecations(graph),
        lifecycle.waivers(graph),
      ]);
      return Promise.all(
        records.map(async (record) => {
          const found = await resolved(record.coordinate).catch(() => null);
          return {
            ...record,
            state: stateOf(record, now),
            waivers: waivers.filter(
              (w) =>
                w.coordinate === record.coordinate &&
                w.revokedAt === null &&
                Date.parse(w.until) > now,
            ),
            usage: await usageOf(found?.usageCoordinates ?? [record.coordinate]),
          };
        }),
      );
    },

    async grantWaiver(input, caller) {
      const { coordinate, consumer, until, reason } = input;
      const record =
        typeof coordinate === 'string' ? await lifecycle.deprecation(graph, coordinate) : null;
      if (!record)
        throw notFound(`${String(coordinate).slice(0, 120)} has no deprecation to waive`, {
          coordinate,
        });
      if (typeof consumer !== 'string' || !governance().consumers.some((c) => c.id === consumer))
        throw badInput(`"${String(consumer).slice(0, 100)}" is not a declared consumer`, {
          field: 'consumer',
        });
      const untilMs = typeof until === 'string' ? instantOf(until) : null;
      const now = clock();
      if (untilMs === null)
        throw badInput('until must be YYYY-MM-DD (00:00 UTC) or an ISO date-time with a zone', {
          field: 'until',
        });
      if (untilMs <= now) throw badInput(`until ${until} is not in the future`, { field: 'until' });
      if (typeof reason !== 'string' || reason.trim() === '')
        throw badInput('A waiver needs a reason (--reason): the review board reads it', {
          field: 'reason',
        });
      const at = new Date(now).toISOString();
      const waiver: WaiverRecord = {
        id: `wvr_${randomUUID()}`,
        coordinate,
        consumer,
        until: new Date(untilMs).toISOString(),
        reason: reason.trim(),
        grantedBy: authorOf(caller),
        grantedAt: at,
        revokedBy: null,
        revokedAt: null,
      };
      await lifecycle.addWaiver(graph, waiver, {
        coordinate,
        kind: 'waiver-granted',
        actor: waiver.grantedBy,
        detail: { waiver: waiver.id, consumer, until: waiver.until, reason: waiver.reason },
        at,
      });
      changed();
      return waiver;
    },

    async revokeWaiver(id, caller) {
      const waiver = (await lifecycle.waivers(graph)).find((w) => w.id === id);
      if (!waiver || waiver.revokedAt !== null)
        throw notFound(`No waiver "${String(id).slice(0, 80)}" in force`, { waiver: id });
      const at = new Date(clock()).toISOString();
      const by = authorOf(caller);
      await lifecycle.revokeWaiver(
        graph,
        id,
        { by, at },
        {
          coordinate: waiver.coordinate,
          kind: 'waiver-revoked',
          actor: by,
          detail: { waiver: id, consumer: waiver.consumer },
          at,
        },
      );
      changed();
      return { ...waiver, revokedBy: by, revokedAt: at };
    },

    history: (coordinate) => lifecycle.events(graph, coordinate),

    async impact(coordinate) {
      const found = await resolved(coordinate);
      const record = await lifecycle.deprecation(graph, coordinate);
      const usage = await usageOf(found.usageCoordinates);
      const config = governance();
      const users = new Set(usage.users.map((u) => u.consumer));
      return {
        coordinate,
        deprecation: record,
        usage: { available: usage.available, ...(usage.reason ? { reason: usage.reason } : {}) },
        told: usage.users.map((user) => {
          const webhook = Boolean(config.consumers.find((c) => c.id === user.consumer)?.notify);
          return {
            ...user,
            webhook,
            why: `${user.requests} requests within its ${user.windowDays}-day window, last ${user.lastSeen} (${user.operations.join(', ')})${webhook ? '' : '; it has no notify.webhook: nobody is told'}`,
          };
        }),
        notTold: config.consumers.map((c) => c.id).filter((id) => !users.has(id)),
      };
    },

    async checkApproved(run, approval) {
      const impacts = (run.report.usage ?? []) as {
        coordinate: string;
        changeType: string;
        level: string;
        consumers: {
          consumer: string;
          requests: number;
          lastSeen: string;
          operations: { operationName: string }[];
        }[];
      }[];
      const outcomes: NoticeOutcome[] = [];
      for (const impact of impacts)
        for (const user of impact.consumers)
          outcomes.push({
            consumer: user.consumer,
            kind: 'check-approved',
            outcome: await notifier.enqueue({
              consumer: user.consumer,
              coordinate: impact.coordinate,
              kind: 'check-approved',
              occurrence: run.id,
              payload: {
                subgraph: run.subgraph,
                check: run.id,
                approval: approval.id,
                approvalReason: approval.reason,
                change: { type: impact.changeType, level: impact.level },
                yourUse: {
                  requests: user.requests,
                  lastSeen: user.lastSeen,
                  operations: user.operations.map((o) => o.operationName),
                },
              },
            }),
          });
      deliverSoon();
      return outcomes;
    },

    async tick() {
      const outcomes: NoticeOutcome[] = [];
      for (const record of await lifecycle.deprecations(graph))
        if (clock() < startOfDateUtc(record.sunset)!) outcomes.push(...(await noticesDue(record)));
      deliverSoon();
      await deliveries;
      return outcomes;
    },

    notifications: (filter) =>
      lifecycle.notifications(graph, {
        consumer: filter.consumer,
        coordinate: filter.coordinate,
        limit: Math.min(Math.max(filter.limit ?? 100, 1), 1_000),
      }),

    async forChecks() {
      const [deprecations, waivers] = await Promise.all([
        lifecycle.deprecations(graph),
        lifecycle.waivers(graph),
      ]);
      return { deprecations, waivers };
    },

    idle: () => deliveries,
  };
}

function brownoutsOf(raw: unknown, sunsetMs: number): Brownout[] {
  if (!Array.isArray(raw))
    throw badInput('brownouts must be a list of { start, end }', { field: 'brownouts' });
  const windows = raw.map((item, index) => {
    const start = typeof item?.start === 'string' ? instantOf(item.start) : null;
    const end = typeof item?.end === 'string' ? instantOf(item.end) : null;
    if (start === null || end === null || end <= start)
      throw badInput(
        `brownouts[${index}] needs start < end, each YYYY-MM-DD or an ISO date-time with a zone`,
        { field: `brownouts[${index}]` },
      );
    if (end > sunsetMs)
      throw badInput(`brownouts[${index}] must end by the sunset`, {
        field: `brownouts[${index}]`,
      });
    return { start: new Date(start).toISOString(), end: new Date(end).toISOString() };
  });
  return windows.sort((a, b) => a.start.localeCompare(b.start));
}

function isHttpUrl(text: unknown): boolean {
  if (typeof text !== 'string') return false;
  try {
    return /^https?:$/.test(new URL(text).protocol);
  } catch {
    return false;
  }
}

/** Who did it: the consumer, and the person behind a JWT when it names one. */
function authorOf(caller: Consumer): string {
  return caller.principal ? `${caller.id} (${caller.principal})` : caller.id;
}
