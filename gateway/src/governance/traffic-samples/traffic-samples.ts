/**
 * Traffic samples and contract replay (issue 15): the gateway keeps a bounded, masked sample of
 * the query requests it sent each subgraph (traffic-sampler.ts, sample-store.ts, sample-masking.ts)
 * and replays it, for an admin (the registry's `subgraph check --endpoint`), against a candidate
 * deployment of a subgraph beside the current one (contract-replay.ts, answer-comparison.ts).
 * Not in the request chain: the subgraph client tells it each answered call (`sampleExchange`).
 *
 * Admin routes (governance:admin):
 * - GET  /admin/traffic-samples/:subgraph  the samples kept, masked as stored;
 * - POST /admin/contract-replay { subgraph, endpoint }  replays them; answers a ContractReplayReport.
 *
 * Only the gateway holds the identity secret, so only it can replay a request as the consumer it
 * was sent for; the candidate is sent a header signed for that subgraph, which is also good at the
 * current deployment for its lifetime: candidates are therefore limited to `candidateHosts`.
 */
import type { FastifyInstance } from 'fastify';
import type { SupergraphSource } from '../../supergraph-manager';
import { GovernanceCode, GovernanceError } from '../errors';
import type { GovernanceModule } from '../module';
import type { GovernanceStore } from '../store/governance-store';
import { replaySamples } from './contract-replay';
import { createSampleStore } from './sample-store';
import { createTrafficSampler, type SubgraphExchange } from './traffic-sampler';
import { sendAdminError } from '../admin-error';

export interface TrafficSamplesOptions {
  /** Samples kept per subgraph operation, the newest. Default 20. */
  perOperation?: number;
  /** How long a sample is kept (days). Default 7. */
  retentionDays?: number;
  /** The least time between two samples of one operation, per replica (ms). Default 10000. */
  sampleIntervalMs?: number;
  /** Distinct operations sampled per subgraph by one replica (and replayed per check). Default 500. */
  maxOperationsPerSubgraph?: number;
  /** Host names a candidate endpoint may have. Default the loopback names: 127.0.0.1, localhost, ::1. */
  candidateHosts?: string[];
  /** Per replayed request, to either deployment (ms). Default 10000. */
  replayTimeoutMs?: number;
  /** Replayed samples in flight at once. Default 4. */
  replayConcurrency?: number;
}

export const TRAFFIC_SAMPLES_DEFAULTS = {
  perOperation: 20,
  retentionDays: 7,
  sampleIntervalMs: 10_000,
  maxOperationsPerSubgraph: 500,
  candidateHosts: ['127.0.0.1', 'localhost', '::1'],
  replayTimeoutMs: 10_000,
  replayConcurrency: 4,
} as const;

export interface TrafficSamplesDeps {
  store: GovernanceStore;
  supergraph: SupergraphSource;
  now?: () => number;
  onWriteError?: (error: unknown) => void;
}

/** What the gateway tells the module once it has built its subgraph clients. */
export interface GatewaySubgraphs {
  /** Subgraph name → the URL the gateway calls it at now. */
  routingUrls: Readonly<Record<string, string>>;
  /** The secret forwarded identities are signed with. */
  identitySecret: string;
}

export type TrafficSamplesModule = GovernanceModule & {
  /** The subgraph client's hook (SubgraphClientOptions.sampleExchange). */
  sampleExchange(exchange: SubgraphExchange): void;
  connect(gateway: GatewaySubgraphs): void;
};

const SUBGRAPH_NAME = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;

export function createTrafficSamplesModule(
  options: TrafficSamplesOptions,
  deps: TrafficSamplesDeps,
): TrafficSamplesModule {
  const settings = { ...TRAFFIC_SAMPLES_DEFAULTS, ...options };
  const samples = createSampleStore(deps.store, settings.retentionDays * 86_400);
  const sampler = createTrafficSampler(settings, {
    samples,
    supergraph: deps.supergraph,
    now: deps.now,
    onWriteError: deps.onWriteError,
  });
  let gateway: GatewaySubgraphs | null = null;
  const allowedHosts = new Set(settings.candidateHosts.map(bareHost));

  const subgraphParam = (value: unknown): string => {
    if (typeof value !== 'string' || !SUBGRAPH_NAME.test(value))
      throw badInput('subgraph must be a subgraph name', 'subgraph');
    if (!gateway || !Object.hasOwn(gateway.routingUrls, value))
      throw new GovernanceError(
        GovernanceCode.NOT_FOUND,
        `The gateway routes to no subgraph "${value}"`,
        { status: 404, details: { subgraph: value } },
      );
    return value;
  };

  const endpointParam = (value: unknown): string => {
    if (typeof value !== 'string') throw badInput('endpoint must be a URL', 'endpoint');
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      throw badInput(`endpoint "${value.slice(0, 200)}" is not a URL`, 'endpoint');
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      throw badInput('endpoint must be http(s)', 'endpoint');
    if (url.username || url.password)
      throw badInput('endpoint must not carry credentials', 'endpoint');
    if (!allowedHosts.has(bareHost(url.hostname)))
      throw badInput(
        `endpoint host "${url.hostname}" is not one of trafficSamples.candidateHosts (${[...allowedHosts].join(', ')}): the replay sends it identities signed for the subgraph`,
        'endpoint',
      );
    return url.toString();
  };

  return {
    name: 'traffic-samples',
    sampleExchange(exchange) {
      // Calls without a request's context are the gateway's own (health checks): nobody's traffic.
      if (!exchange.context) return;
      try {
        sampler.sampleExchange(exchange);
      } catch (error) {
        // The hook must not throw into the subgraph call: a sample lost is told, the answer goes on.
        deps.onWriteError?.(error);
      }
    },
    connect(connected) {
      gateway = connected;
    },
    adminRoutes(admin: FastifyInstance) {
      admin.get<{ Params: { subgraph: string } }>(
        '/traffic-samples/:subgraph',
        async (request, reply) => {
          try {
            const subgraph = subgraphParam(request.params.subgraph);
            const operations = await samples.read(subgraph, settings.maxOperationsPerSubgraph);
            return reply.send({
              subgraph,
              retentionDays: settings.retentionDays,
              perOperation: settings.perOperation,
              operations: operations.map((operation) => ({
                operationKey: operation.key,
                operationName: operation.operationName,
                document: operation.document,
                samples: operation.samples.map(({ identity, ...sample }) => ({
                  ...sample,
                  consumer: identity.id,
                })),
              })),
            });
          } catch (error) {
            return sendAdminError(reply, error);
          }
        },
      );

      admin.post<{ Body: unknown }>('/contract-replay', async (request, reply) => {
        try {
          const body = request.body;
          if (typeof body !== 'object' || body === null || Array.isArray(body))
            throw badInput('the body must be an object { subgraph, endpoint }', 'body');
          const { subgraph: rawSubgraph, endpoint: rawEndpoint } = body as Record<string, unknown>;
          const subgraph = subgraphParam(rawSubgraph);
          const endpoint = endpointParam(rawEndpoint);
          const operations = await samples.read(subgraph, settings.maxOperationsPerSubgraph);
          const report = await replaySamples(
            operations,
            {
              subgraph,
              currentUrl: gateway!.routingUrls[subgraph],
              candidateUrl: endpoint,
              identitySecret: gateway!.identitySecret,
              timeoutMs: settings.replayTimeoutMs,
              concurrency: settings.replayConcurrency,
              schema: deps.supergraph.apiSchema(),
            },
            deps.now,
          );
          return reply.send(report);
        } catch (error) {
          return sendAdminError(reply, error);
        }
      });
    },
  };
}

/** `[::1]` and `::1` are one host. */
function bareHost(host: string): string {
  return host.replace(/^\[|\]$/g, '').toLowerCase();
}

function badInput(message: string, field: string): GovernanceError {
  return new GovernanceError(GovernanceCode.BAD_USER_INPUT, message, {
    status: 400,
    details: { field },
  });
}
