/**
 * Usage: for every GraphQL request, who (consumer, client name and version) ran what (operation
 * id and name, every field coordinate it selected, the order-to-cash stages of its root fields),
 * with which errors and how fast. Aggregated in process and flushed in batches
 * (usage-aggregator.ts); read through the admin routes below (usage-reports.ts).
 */
import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { GraphQLRequestContextWillSendResponse } from '@apollo/server';
import {
  Kind,
  separateOperations,
  TypeInfo,
  visit,
  visitWithTypeInfo,
  type DocumentNode,
  type GraphQLSchema,
} from 'graphql';
import { parseDuration } from '@switchyard/kit';
import type { GatewayContext } from '../../context';
import type { SupergraphSource } from '../../supergraph-manager';
import { GovernanceCode, GovernanceError } from '../errors';
import type { GovernanceModule } from '../module';
import { OperationCache } from '../operation-cache';
import { stagesOfRootFields, type StageSla } from './stage-sla';
import type { GovernanceStore } from '../store/governance-store';
import { UsageAggregator } from './usage-aggregator';
import {
  createUsageReports,
  MAX_REPORT_COORDINATES,
  MAX_REPORT_DAYS,
  type UsageReports,
  type UsageWindows,
} from './usage-reports';
import { createClientLabels } from './client-labels';
import { sendAdminError } from '../admin-error';

export interface UsageOptions {
  /** How often the buffered usage is written to the store (ms). Default 5000. */
  flushIntervalMs?: number;
  /** Width of an aggregation bucket: `<n>s`, `<n>m`, `<n>h` or `<n>d`. Default `1h`. */
  bucket?: string;
  /** How many days a bucket is kept. Default 30. */
  retentionDays?: number;
  /** Distinct client (name, version) pairs recorded per consumer; later ones are counted as `other`. Default 50. */
  maxClientsPerConsumer?: number;
  /** Client names and versions are cut to this many characters. Default 64. */
  maxClientLabelLength?: number;
  /** SLA per order-to-cash stage (`quote`, `order-capture`, ...). Default none: figures reported, never breached. */
  stages?: Record<string, StageSla>;
}

export interface UsageDeps {
  store: GovernanceStore;
  supergraph: SupergraphSource;
  now?: () => number;
  /** Told when a flush fails (its usage is kept and retried). */
  onFlushError?: (error: unknown) => void;
}

export const USAGE_DEFAULTS = {
  flushIntervalMs: 5_000,
  bucket: '1h',
  retentionDays: 30,
  maxClientsPerConsumer: 50,
  maxClientLabelLength: 64,
} as const;

/** What an operation selects: every `Type.field`, and the root field behind each top-level response key. */
export interface OperationSelection {
  coordinates: string[];
  rootFields: Map<string, string>;
}

/**
 * The field coordinates of one operation of `document` (and of the fragments it spreads), typed
 * against `schema`. A field selected on an interface or union member counts under the type it
 * was selected on (`Node.id`, `Shipment.status` in `... on Shipment`), as Apollo's usage reporting does;
 * aliases count under the field's name; meta fields (`__typename`) are left out.
 */
export function operationSelection(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string,
): OperationSelection {
  const operationDocument = separateOperations(document)[operationName] ?? document;
  const typeInfo = new TypeInfo(schema);
  const rootTypes = new Set(
    [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()].filter(Boolean),
  );
  const coordinates = new Set<string>();
  const rootFields = new Map<string, string>();
  visit(
    operationDocument,
    visitWithTypeInfo(typeInfo, {
      [Kind.FIELD](node) {
        const parent = typeInfo.getParentType();
        if (!parent || !typeInfo.getFieldDef() || node.name.value.startsWith('__')) return;
        const coordinate = `${parent.name}.${node.name.value}`;
        coordinates.add(coordinate);
        if (rootTypes.has(parent as never))
          rootFields.set(node.alias?.value ?? node.name.value, coordinate);
      },
    }),
  );
  return { coordinates: [...coordinates].sort(), rootFields };
}

/** What usage counts for one operation, derived once: its selection and the stages of its root fields. */
interface OperationShape {
  selection: OperationSelection;
  stages: string[];
  /** `stages` as recorded for a request without errors (shared: the aggregator only reads it). */
  stagesWithoutErrors: readonly { stage: string; failed: boolean }[];
}

const NO_OPERATION: OperationShape = {
  selection: { coordinates: [], rootFields: new Map() },
  stages: [],
  stagesWithoutErrors: [],
};
const NO_ERRORS: Readonly<Record<string, number>> = Object.freeze({});

export type UsageModule = GovernanceModule & {
  aggregator: UsageAggregator;
  reports: UsageReports;
  close(): Promise<void>;
};

export function createUsageModule(options: UsageOptions, deps: UsageDeps): UsageModule {
  const bucketMs = parseDuration(options.bucket ?? USAGE_DEFAULTS.bucket);
  const retentionDays = options.retentionDays ?? USAGE_DEFAULTS.retentionDays;
  const now = deps.now ?? Date.now;
  const aggregator = new UsageAggregator({
    store: deps.store,
    bucketMs,
    retentionMs: retentionDays * 86_400_000,
    flushIntervalMs: options.flushIntervalMs ?? USAGE_DEFAULTS.flushIntervalMs,
    now,
    onFlushError: deps.onFlushError,
  });
  const reports = createUsageReports({
    store: deps.store,
    supergraph: deps.supergraph,
    bucketMs,
    retentionDays,
    stages: options.stages ?? {},
    now,
  });

  const clientLabelOf = createClientLabels({
    maxClientsPerConsumer: options.maxClientsPerConsumer ?? USAGE_DEFAULTS.maxClientsPerConsumer,
    maxLength: options.maxClientLabelLength ?? USAGE_DEFAULTS.maxClientLabelLength,
  });

  // Derived from the supergraph once per document (and per supergraph: both reset on a swap): a request only counts.
  const shapes = new OperationCache<OperationShape>();
  let stageOf = stagesOfRootFields(deps.supergraph);
  deps.supergraph.onUpdate((source) => {
    shapes.clear();
    stageOf = stagesOfRootFields(source);
  });

  function shapeOf(selection: OperationSelection): OperationShape {
    const stages = [
      ...new Set(
        [...selection.rootFields.values()]
          .map((c) => stageOf.get(c))
          .filter((s): s is string => !!s),
      ),
    ];
    return {
      selection,
      stages,
      stagesWithoutErrors: stages.map((stage) => ({ stage, failed: false })),
    };
  }

  function record(
    request: GraphQLRequestContextWillSendResponse<GatewayContext>,
    latencyMs: number,
  ): void {
    const { contextValue: context } = request;
    const operationName = request.operation?.name?.value ?? request.request.operationName ?? '';
    const queryHash =
      request.queryHash ??
      createHash('sha256')
        .update(request.request.query ?? '')
        .digest('hex');

    let shape = NO_OPERATION;
    const { document, operation } = request;
    if (document && operation) {
      shape = shapes.get(document, operation.name?.value, () =>
        shapeOf(
          operationSelection(deps.supergraph.apiSchema(), document, operation.name?.value ?? ''),
        ),
      );
    }
    const { selection } = shape;

    const body = request.response.body;
    const errors =
      (body.kind === 'single' ? body.singleResult.errors : body.initialResult.errors) ??
      request.errors ??
      [];
    let errorCodes: Record<string, number> = NO_ERRORS;
    let stages = shape.stagesWithoutErrors;
    if (errors.length > 0) {
      errorCodes = {};
      const failedStages = new Set<string>();
      for (const error of errors) {
        const code = String(error.extensions?.code ?? 'INTERNAL_SERVER_ERROR');
        errorCodes[code] = (errorCodes[code] ?? 0) + 1;
        // An error at a path belongs to the stage of its root field; one without a path, to every stage of the operation.
        const root =
          typeof error.path?.[0] === 'string' ? selection.rootFields.get(error.path[0]) : undefined;
        const stage = root && stageOf.get(root);
        if (stage) failedStages.add(stage);
        else if (!error.path?.length) for (const s of shape.stages) failedStages.add(s);
      }
      stages = shape.stages.map((stage) => ({ stage, failed: failedStages.has(stage) }));
    }

    const consumer = context.consumer?.id ?? 'anonymous';
    aggregator.record({
      at: now(),
      consumer,
      ...clientLabelOf(consumer, context.client.name, context.client.version),
      operationId: context.governance.persistedOperationId ?? queryHash,
      operationName,
      // A request refused past a sunset ran none of its fields (deprecations sets the fact).
      coordinates: context.governance.refusedPastSunset ? [] : selection.coordinates,
      errorCodes,
      stages,
      latencyMs,
    });
  }

  return {
    name: 'usage',
    aggregator,
    reports,
    operation: {
      willSendResponse(request) {
        record(request, performance.now() - request.contextValue.startedAt);
      },
    },
    adminRoutes(admin: FastifyInstance) {
      // This replica's buffer is flushed first, so a report includes its latest requests; other replicas' lag by at most flushIntervalMs.
      const report = async (reply: FastifyReply, read: () => Promise<unknown>) => {
        try {
          await aggregator.flush();
          return reply.send(await read());
        } catch (error) {
          return sendAdminError(reply, error);
        }
      };
      admin.get<{ Params: { coordinate: string }; Querystring: { days?: string } }>(
        '/usage/fields/:coordinate',
        (request, reply) =>
          report(reply, () =>
            reports.field(request.params.coordinate, daysParam(request.query.days, 7)),
          ),
      );
      admin.post<{ Body: unknown }>('/usage/coordinates', (request, reply) =>
        report(reply, () => {
          const { coordinates, windows } = coordinatesQuery(request.body);
          return reports.coordinates(coordinates, windows);
        }),
      );
      admin.get<{ Querystring: { days?: string } }>('/usage/deprecated', (request, reply) =>
        report(reply, () => reports.deprecated(daysParam(request.query.days, 30))),
      );
      admin.get<{ Querystring: { consumer?: string; days?: string; limit?: string } }>(
        '/usage/operations',
        (request, reply) =>
          report(reply, () =>
            reports.operations(
              request.query.consumer || null,
              daysParam(request.query.days, 7),
              limitParam(request.query.limit),
            ),
          ),
      );
      admin.get<{ Querystring: { consumer?: string; hours?: string } }>(
        '/usage/timeline',
        (request, reply) =>
          report(reply, () =>
            reports.timeline(
              request.query.consumer || null,
              request.query.hours ? Number(request.query.hours) : 24,
            ),
          ),
      );
      admin.get<{ Querystring: { days?: string } }>('/usage/stages', (request, reply) =>
        report(reply, () => reports.stages(daysParam(request.query.days, 7))),
      );
    },
    async close() {
      await aggregator.close();
    },
  };
}

/**
 * The body of POST /usage/coordinates: `{ coordinates: ["Order.total", ...], windows: { default:
 * "30d", consumers: { "<id>": "400d" } } }`; each window at most MAX_REPORT_DAYS.
 */
function coordinatesQuery(body: unknown): { coordinates: string[]; windows: UsageWindows } {
  const refuse = (message: string, argument: string) =>
    new GovernanceError(GovernanceCode.BAD_USER_INPUT, message, { details: { argument } });
  const object = (value: unknown): value is Record<string, unknown> =>
    typeof value === 'object' && value !== null && !Array.isArray(value);
  if (!object(body)) throw refuse('the body must be a JSON object', 'body');
  const { coordinates, windows } = body;
  if (
    !Array.isArray(coordinates) ||
    coordinates.length > MAX_REPORT_COORDINATES ||
    !coordinates.every((c): c is string => typeof c === 'string')
  )
    throw refuse(
      `"coordinates" must be a list of at most ${MAX_REPORT_COORDINATES} field coordinates`,
      'coordinates',
    );
  const duration = (value: unknown, argument: string): number => {
    let ms: number;
    try {
      ms = typeof value === 'string' ? parseDuration(value) : NaN;
    } catch {
      ms = NaN;
    }
    if (!(ms > 0) || ms > MAX_REPORT_DAYS * 86_400_000)
      throw refuse(
        `"${argument}" must be a duration such as 30d, at most ${MAX_REPORT_DAYS} days`,
        argument,
      );
    return ms;
  };
  if (!object(windows)) throw refuse('"windows" must be an object with a default', 'windows');
  const consumers = windows.consumers ?? {};
  if (!object(consumers))
    throw refuse('"windows.consumers" must be an object', 'windows.consumers');
  return {
    coordinates,
    windows: {
      defaultMs: duration(windows.default, 'windows.default'),
      consumers: Object.fromEntries(
        Object.entries(consumers).map(([id, value]) => [
          id,
          duration(value, `windows.consumers.${id}`),
        ]),
      ),
    },
  };
}

/** `?days=` as a number (validated by the report), or its default when absent. */
function daysParam(value: string | undefined, fallback: number): number {
  return value === undefined || value === '' ? fallback : Number(value);
}

function limitParam(value: string | undefined): number {
  if (value === undefined || value === '') return 20;
  const limit = Number(value);
  if (!Number.isInteger(limit) || limit < 1 || limit > 1_000) {
    throw new GovernanceError(
      GovernanceCode.BAD_USER_INPUT,
      '"limit" must be a whole number from 1 to 1000',
      { details: { argument: 'limit' } },
    );
  }
  return limit;
}
