import type { FastifyInstance } from 'fastify';
import type { SupergraphSource } from '../supergraph-manager';
import { createAdminAuth } from './admin-auth';
import { registerWhoamiRoute } from './admin-whoami';
import { createAuditLogModule } from './audit/audit-log';
import type { Consumer } from './consumer';
import { registerConsumersAdminRoute } from './consumers-admin-route';
import { createContractsModule } from './contracts/contracts';
import { createCorsModule } from './cors/cors';
import { createCorsPolicy } from './cors/cors-policy';
import type { DeprecationFeed } from './deprecations/deprecation-feed';
import { createDeprecationsModule } from './deprecations/deprecations';
import { manifestFindings } from './deprecations/manifest-deprecations';
import { createFieldAuthorizationModule } from './field-authorization/field-authorization';
import { registeredConsumersOf, type GovernanceConfig } from './governance-config';
import { createIdentifier, createIdentityModule, identityOptionsOf } from './identity/identity';
import { createMetricsModule, registerMetricsRoute, type MetricsModule } from './metrics/metrics';
import type { GovernanceModule } from './module';
import { createOperationLimitsModule } from './limits/operation-limits';
import { createCandidateChecks } from './partner/candidate-checks';
import { createManifestRequests } from './partner/manifest-requests';
import {
  registerManifestRequestRoutes,
  registerSelfServiceRoutes,
  type SelfServiceDeps,
} from './partner/self-service-routes';
import {
  createPersistedOperationsModule,
  PERSISTED_OPERATIONS_DEFAULTS,
} from './persisted-operations/persisted-operations';
import { warningMessage } from './rate-budgets/budget-warnings';
import { createRateBudgetModule } from './rate-budgets/rate-budget';
import { createLogger, createRequestLogModule } from './metrics/request-log';
import type { GovernanceStore } from './store/governance-store';
import {
  createTrafficSamplesModule,
  type TrafficSamplesModule,
} from './traffic-samples/traffic-samples';
import { createUsageModule } from './usage/usage';

/** The governed gateway: its modules in the order they run, and what they add to the HTTP app. */
export interface Governance {
  modules: GovernanceModule[];
  metrics: MetricsModule;
  /** GET /graphql serves browsers the embedded explorer (the config's `explorer.enabled`). */
  explorerEnabled: boolean;
  /** Told each answered subgraph call, off the request chain (the subgraph client's sampleExchange); null when switched off. */
  trafficSamples: TrafficSamplesModule | null;
  /**
   * Installs /metrics, the request log hooks, the CORS preflight and headers of /graphql, and the /admin routes, /metrics and /admin behind admin
   * authentication; `adminRoutes` are the gateway's own (not a module's), e.g. GET /admin/supergraph.
   */
  configureApp(app: FastifyInstance, adminRoutes?: ((admin: FastifyInstance) => void)[]): void;
}

/**
 * Builds every governance module the config switches on, in the fixed order requests meet them
 * (onRequest hooks before parsing, then the operation hooks of each GraphQL phase, both in this
 * order); each module lives in the folder named beside it:
 *   metrics, request log   metrics/               observe every request, refusals included
 *   identity               identity/              API key or JWT → the consumer
 *   cors                   cors/                  a browser page's origin, allowed for that consumer
 *   persisted operations   persisted-operations/  an id → the registered or APQ document
 *   rate budgets           rate-budgets/          requests before parsing; cost once priced
 *   contracts              contracts/             the operation validated against the contract
 *   deprecations           deprecations/          past its sunset or in a brownout: refused; else announced
 *   operation limits       limits/                depth, aliases, root fields, tokens, cost
 *   field authorization    field-authorization/   what the consumer may not see: removed or refused
 *   usage, audit           usage/, audit/         record only
 *   traffic samples        traffic-samples/       no request hook: told each subgraph call, for contract replay
 * Rate budgets come before the contract check so that a flood of documents is counted before any
 * of them is parsed. CORS comes right after identity, the first moment the consumer is known: a page
 * on a foreign origin is refused before it spends anything of the consumer's.
 */
export function createGovernance(
  config: GovernanceConfig,
  deps: {
    supergraph: SupergraphSource;
    store: GovernanceStore;
    logLevel: string;
    /** The registry's deprecations (the gateway's runtime hands it over); absent: nothing is deprecated. */
    deprecations?: DeprecationFeed;
    /** The time lifecycle rules and usage are dated by (ms since the epoch). Default Date.now. */
    clock?: () => number;
    /** The registry (the gateway's runtime hands it over): a partner's page reads its newest checks. */
    registry?: { url: string; token: string } | null;
  },
): Governance {
  const { supergraph, store } = deps;
  const on = config.modules;
  const consumers = new Map<string, Consumer>(
    registeredConsumersOf(config).map(({ consumer }) => [consumer.id, consumer]),
  );
  const logger = createLogger(deps.logLevel === 'silent' ? 'silent' : deps.logLevel);
  const warn = (what: string) => (error: unknown) => logger.warn({ err: error }, what);

  const metrics = createMetricsModule();
  const requestLog = createRequestLogModule({}, { logger });
  const identityOptions = identityOptionsOf(config);
  const identity = on.identity ? createIdentityModule(identityOptions) : null;
  const cors = on.cors
    ? createCorsModule(
        createCorsPolicy(
          config.cors,
          config.consumers.map(({ id, cors: own }) => ({ id, origins: own?.origins ?? [] })),
        ),
      )
    : null;
  const contracts = on.contracts
    ? createContractsModule(
        { contracts: config.contracts },
        {
          supergraph,
          onContractProblem: (contract, problem) => logger.warn({ contract }, problem),
        },
      )
    : null;
  const usage = on.usage
    ? createUsageModule(config.usage ?? {}, {
        store,
        supergraph,
        now: deps.clock,
        onFlushError: warn('usage flush failed; kept for the next flush'),
      })
    : null;

  const audit = on.audit
    ? createAuditLogModule(config.audit ?? {}, {
        store,
        onWriteError: warn('audit record not written yet'),
      })
    : null;

  const deprecations =
    on.deprecations && deps.deprecations
      ? createDeprecationsModule({ supergraph, feed: deps.deprecations, clock: deps.clock })
      : null;

  const trafficSamples = on.trafficSamples
    ? createTrafficSamplesModule(config.trafficSamples ?? {}, {
        store,
        supergraph,
        onWriteError: warn('traffic sample not written'),
      })
    : null;

  const persistedOperations = on.persistedOperations
    ? createPersistedOperationsModule(config.persistedOperations ?? {}, {
        store,
        supergraph,
        // With the contracts module off, a contract consumer is served (and registers against) the whole API schema.
        contractSchema: (consumer) =>
          contracts && consumer.contract
            ? contracts.schemaOf(consumer.contract)
            : supergraph.apiSchema(),
        consumer: (id) => consumers.get(id) ?? null,
        requirements: () => (on.authorization ? supergraph.directives.authorization : null),
        lifecycle: deprecations
          ? (consumer, index, operation, document) =>
              manifestFindings(
                consumer.id,
                index,
                operation,
                deprecations.usedBy(consumer.id, document, operation.name),
              )
          : undefined,
        onStoreError: warn('persisted operations store error'),
        onRestored: (restored) =>
          logger.warn(
            { restored },
            `wrote back ${restored.length} registered operations the governance store had lost`,
          ),
        onApqWrite: (outcome) => metrics.countApqWrite(outcome),
      })
    : null;

  const rateBudgets = on.rateBudgets
    ? createRateBudgetModule(
        {
          tiers: config.rateBudgets?.tiers ?? {},
          consumers: config.rateBudgets?.consumers,
          leaseSize: config.rateBudgets?.leaseSize,
          onStoreUnavailable: config.rateBudgets?.onStoreUnavailable,
          warnAt: config.rateBudgets?.warnAt,
          exhaustedRecheckMs: config.rateBudgets?.exhaustedRecheckMs,
        },
        {
          store,
          findConsumer: (id) => consumers.get(id),
          onStoreUnavailable: warn('rate budget store unavailable'),
          onWarning: (warning) => {
            logger.warn({ budgetWarning: warning }, warningMessage(warning));
            metrics.countBudgetWarning(warning.consumer, warning.window);
          },
          recordAdminAction: audit
            ? ({ consumer, changes, ...action }) =>
                audit.recordAdminAction({
                  ...action,
                  keys: [consumer],
                  details: { consumer, changes },
                })
            : undefined,
        },
      )
    : null;

  // A consumer's own view of the admin API and the manifests it submits for approval (partner/).
  const selfService: Omit<SelfServiceDeps, 'identifier'> = {
    schemaOf: (consumer) =>
      contracts && consumer.contract
        ? contracts.schemaOf(consumer.contract)
        : supergraph.apiSchema(),
    consumer: (id) => consumers.get(id) ?? null,
    registry: persistedOperations?.registry,
    requests: persistedOperations
      ? createManifestRequests({ store, registry: persistedOperations.registry, now: deps.clock })
      : undefined,
    usage: usage?.reports,
    budgets: rateBudgets ? { store, now: Date.now, rulesFor: rateBudgets.rulesFor } : undefined,
    deprecations: deprecations ?? undefined,
    candidates: deps.registry ? createCandidateChecks(deps.registry) : undefined,
    maxManifestBytes: PERSISTED_OPERATIONS_DEFAULTS.maxManifestBytes,
    recordAdminAction: audit ? (action) => audit.recordAdminAction(action) : undefined,
    onStoreError: warn('self-service route: governance store error'),
  };

  const modules: (GovernanceModule | null)[] = [
    metrics,
    requestLog,
    identity,
    cors,
    persistedOperations,
    rateBudgets,
    contracts,
    deprecations,
    on.limits
      ? createOperationLimitsModule(
          { tiers: config.limits?.tiers ?? {}, defaultListSize: config.limits?.defaultListSize },
          { supergraph },
        )
      : null,
    on.authorization
      ? createFieldAuthorizationModule(
          {
            onUnauthorized: config.authorization?.onUnauthorized,
            anonymousConsumer: config.identity?.anonymousConsumer ?? null,
          },
          { supergraph },
        )
      : null,
    usage,
    audit,
    trafficSamples,
  ];
  const active = modules.filter((module): module is GovernanceModule => module !== null);

  return {
    modules: active,
    metrics,
    explorerEnabled: config.explorer.enabled,
    trafficSamples,
    configureApp(app, adminRoutes = []) {
      const identifier = identity?.identifier ?? createIdentifier(identityOptions);
      const adminAuth = createAdminAuth(identifier);
      registerMetricsRoute(app, metrics, { authorize: adminAuth });
      requestLog.register(app);
      // Any identified consumer may ask who it is (the console's sign-in), outside the admin scope.
      registerWhoamiRoute(app, identifier);
      cors?.register(app);
      void app.register(
        async (admin) => {
          admin.addHook('preHandler', adminAuth);
          for (const module of active) module.adminRoutes?.(admin);
          for (const register of adminRoutes) register(admin);
          registerConsumersAdminRoute(admin, consumers);
          registerManifestRequestRoutes(admin, { identifier, ...selfService });
        },
        { prefix: '/admin' },
      );
      // Beside the /admin scope, not in it: any identified consumer, answered its own data only.
      void app.register(
        async (self) => registerSelfServiceRoutes(self, { identifier, ...selfService }),
        { prefix: '/admin/self' },
      );
    },
  };
}
