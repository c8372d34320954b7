import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import pg from 'pg';
import {
  composeSupergraph,
  createGateway,
  defaultGatewayConfig,
  type GatewayConfig,
  type GatewayOptions,
  type RunningGateway,
} from '@switchyard/gateway';
import {
  createInProcessTransport,
  createRedisStreamsTransport,
  openSubgraph,
  subgraphSdl,
  type EventOptions,
  type EventTransport,
  type RedisStreamsTransport,
  type RunningSubgraph,
  type SubgraphDefinition,
} from '@switchyard/kit';
import type { Dataset } from '@switchyard/seed';
import { loadSubgraphDefinition, SUBGRAPH_NAMES } from '../../scripts/subgraphs';

export interface GraphResponse {
  status: number;
  headers: Headers;
  body: {
    data?: any;
    errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, any> }[];
  };
}

export interface RunningGraph {
  gateway: RunningGateway;
  gatewayUrl: string;
  /** The running subgraphs by name; a restarted subgraph replaces its entry, a stopped one is absent. */
  subgraphs: Record<string, RunningSubgraph<any, any>>;
  /** The seed data written to the databases, when the graph was seeded. */
  dataset?: Dataset;
  /** The one event transport every subgraph publishes to and consumes from (tests may publish on it, e.g. a duplicate). */
  transport: EventTransport;
  /** Subgraph name → its GraphQL URL, as the subgraphs' service clients read it. */
  serviceUrls: Map<string, string>;
  /** POSTs a GraphQL request to the gateway over HTTP. */
  query(
    query: string,
    variables?: Record<string, unknown>,
    headers?: Record<string, string>,
  ): Promise<GraphResponse>;
  /** Stops one subgraph (consumers, relay, server, database): the gateway's calls to it fail until it restarts. */
  stopSubgraph(name: string): Promise<void>;
  /**
   * Opens the subgraph again on the same database and listens on the same port (the gateway keeps routing
   * to it); stops it first if it runs. Needs databases that outlive it: `dataDir` or `databaseUrl`.
   */
  restartSubgraph(name: string): Promise<void>;
  close(): Promise<void>;
}

/** A subgraph as the registry is seeded or published with it. */
export interface SubgraphSource {
  name: string;
  url: string;
  sdl: string;
}

/**
 * The graph's subgraphs as a registry is seeded with them: each with its URL and the SDL of its code,
 * or the one `sdlOf` gives it (a schema one change behind, say).
 */
export function subgraphSources(
  graph: Pick<RunningGraph, 'subgraphs' | 'serviceUrls'>,
  sdlOf: Record<string, string> = {},
): SubgraphSource[] {
  return Object.entries(graph.subgraphs).map(([name, subgraph]) => ({
    name,
    url: graph.serviceUrls.get(name)!,
    sdl: sdlOf[name] ?? subgraphSdl(subgraph.definition.schema),
  }));
}

export interface GraphOptions {
  /** Which subgraphs to run (default: all six). */
  subgraphs?: readonly string[];
  /** Seed the databases with the generator at this scale (needs all six subgraphs). */
  seedScale?: number;
  /** Fill the databases by hand before traffic instead. */
  prepare?: (subgraphs: Record<string, RunningSubgraph<any, any>>) => Promise<void>;
  /** Governance modules for the gateway (default: none, an ungoverned gateway). */
  governance?: GatewayOptions['governance'];
  /**
   * Serve the supergraph's security directives unenforced (the gateway's `--ungoverned`). Default:
   * true without governance, false with it; governance without field authorization must say true.
   */
  ungoverned?: boolean;
  /** Run on PostgreSQL (a fresh schema per subgraph, dropped on close) instead of SQLite. */
  databaseUrl?: string;
  /** The transport the subgraphs share: one in-process bus (default), or Redis Streams on a fresh random stream (deleted on close). */
  events?: 'in-process' | { redisUrl: string };
  /** Folder of the SQLite files (a temporary folder the test made and removes); default in memory, which restartSubgraph cannot reopen. */
  dataDir?: string;
  /** The subgraphs' event runtime; default fast for tests: relay every 20 ms, retries 10 ms apart (maxAttempts 5). */
  eventOptions?: EventOptions;
  /** How long a subgraph waits on another before DEPENDENCY_UNAVAILABLE (the kit's default, 2 s, unless set). */
  serviceTimeoutMs?: number;
  /** Gateway settings over the defaults (e.g. the subgraph deadline, 30 s here, and circuit breaker). */
  gatewayConfig?: Partial<GatewayConfig>;
}

const TEST_EVENT_OPTIONS: EventOptions = { relayIntervalMs: 20, retryBackoffMs: 10 };

/**
 * Starts real subgraph servers (each on its own port, sharing one event transport) and the real gateway
 * over HTTP, composed from the subgraphs' live schemas, with the databases filled before the first request.
 */
export async function startGraph(options: GraphOptions = {}): Promise<RunningGraph> {
  const names = options.subgraphs ?? SUBGRAPH_NAMES;
  const suffix = randomBytes(4).toString('hex');
  const schemaOf = (name: string) => `${name}_test_${suffix}`;
  const dataDir = options.dataDir ?? ':memory:';
  const transport: EventTransport =
    options.events && options.events !== 'in-process'
      ? createRedisStreamsTransport({
          redisUrl: options.events.redisUrl,
          keyPrefix: `switchyard:test:${suffix}`,
          blockMs: 500,
          redeliverDelayMs: 100,
        })
      : createInProcessTransport({ redeliverDelayMs: 100 });
  const serviceUrls = new Map<string, string>();
  const definitions = new Map<string, SubgraphDefinition<any, any>>();
  const ports = new Map<string, number>();
  const subgraphs: Record<string, RunningSubgraph<any, any>> = {};
  const open = (name: string) =>
    openSubgraph(definitions.get(name)!, {
      dataDir,
      databaseUrl: options.databaseUrl,
      databaseSchema: schemaOf(name),
      events: transport,
      serviceUrls,
      serviceTimeoutMs: options.serviceTimeoutMs,
      eventOptions: { ...TEST_EVENT_OPTIONS, ...options.eventOptions },
    });

  for (const name of names) {
    definitions.set(name, await loadSubgraphDefinition(name));
    subgraphs[name] = await open(name);
  }
  let dataset: Dataset | undefined;
  if (options.seedScale) {
    const { generateDataset, writeDataset } = await import('@switchyard/seed');
    dataset = generateDataset({ seed: 42, scale: options.seedScale });
    await writeDataset(
      dataset,
      Object.fromEntries(names.map((name) => [name, subgraphs[name].database.db])) as never,
    );
  }
  await options.prepare?.(subgraphs);
  for (const subgraph of Object.values(subgraphs)) subgraph.database.statements.count = 0;

  const sources = [];
  for (const name of names) {
    const address = await subgraphs[name].server.listen({ host: '127.0.0.1', port: 0 });
    ports.set(name, Number(new URL(address).port));
    serviceUrls.set(name, `${address}/graphql`);
    sources.push({
      name,
      url: `${address}/graphql`,
      sdl: subgraphSdl(subgraphs[name].definition.schema),
    });
  }
  const gateway = await createGateway(
    {
      ...defaultGatewayConfig,
      port: 0,
      logLevel: 'silent',
      ungoverned: options.ungoverned ?? !options.governance,
      // The subgraphs share the test's event loop, so a busy machine stalls them with the gateway; the
      // 3 s default deadline would count that against them (tests of the deadline set their own).
      subgraphTimeoutMs: 30_000,
      ...options.gatewayConfig,
    },
    { supergraphSdl: composeSupergraph(sources), governance: options.governance },
  );
  const gatewayUrl = `${await gateway.app.listen({ host: '127.0.0.1', port: 0 })}/graphql`;

  async function stopSubgraph(name: string) {
    if (!definitions.has(name)) throw new Error(`${name} is not a subgraph of this graph`);
    const running = subgraphs[name];
    delete subgraphs[name];
    await running?.close();
  }

  return {
    gateway,
    gatewayUrl,
    subgraphs,
    dataset,
    transport,
    serviceUrls,
    async query(query, variables = {}, headers = {}) {
      const response = await fetch(gatewayUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ query, variables }),
      });
      return {
        status: response.status,
        headers: response.headers,
        body: (await response.json()) as GraphResponse['body'],
      };
    },
    stopSubgraph,
    async restartSubgraph(name) {
      if (!options.databaseUrl && dataDir === ':memory:')
        throw new Error(
          'restartSubgraph needs databases that outlive a subgraph: pass dataDir (a temporary folder) or databaseUrl',
        );
      await stopSubgraph(name);
      const subgraph = await open(name);
      await subgraph.server.listen({ host: '127.0.0.1', port: ports.get(name)! });
      subgraphs[name] = subgraph;
    },
    async close() {
      await gateway.close();
      for (const subgraph of Object.values(subgraphs)) await subgraph.close();
      await transport.close();
      if (transport.kind === 'redis-streams' && options.events && options.events !== 'in-process') {
        const redis = new Redis(options.events.redisUrl);
        await redis.del((transport as RedisStreamsTransport).streamKey);
        await redis.quit();
      }
      if (options.databaseUrl) await dropSchemas(options.databaseUrl, names.map(schemaOf));
    },
  };
}

/**
 * Polls `assertion` until it stops throwing (asynchronous effects: events, relays, catch-up) and answers its
 * value; after `timeoutMs` throws its last error.
 */
export async function eventually<T>(
  assertion: () => T | Promise<T>,
  timeoutMs = 10_000,
  intervalMs = 50,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await assertion();
    } catch (error) {
      if (Date.now() >= deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  }
}

async function dropSchemas(databaseUrl: string, schemas: string[]) {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    for (const schema of schemas) await client.query(`drop schema if exists "${schema}" cascade`);
  } finally {
    await client.end();
  }
}
