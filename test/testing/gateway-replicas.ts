/**
 * Governed gateway replicas for cross-replica tests: a second (third...) real gateway over HTTP on
 * the supergraph and subgraphs of a running graph, each with its own governance modules and its
 * own connection to the governance store; Redis stores under a throwaway key prefix; and a TCP
 * proxy in front of Redis that a test cuts and restores, so an outage never touches the Redis
 * other tests share.
 */
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import {
  createGateway,
  createRedisStore,
  defaultGatewayConfig,
  type GovernanceStore,
  type RunningGateway,
} from '@switchyard/gateway';
import { createGovernance, type Governance } from '../../gateway/src/governance';
import type { GovernanceConfig } from '../../gateway/src/governance/governance-config';
import type { GovernanceModule } from '../../gateway/src/governance/module';
import type { GraphResponse, RunningGraph } from './graph-harness';

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A key prefix no other test run uses. */
export const uniquePrefix = (name: string) =>
  `switchyard-test:${name}-${randomBytes(4).toString('hex')}:`;

/** A Redis store, connected (or an error naming the URL). */
export async function openRedisStore(keyPrefix: string, url = REDIS_URL): Promise<GovernanceStore> {
  const store = createRedisStore({ url, keyPrefix });
  if (!(await until(() => store.healthy(), 2_000))) throw new Error(`no Redis answered at ${url}`);
  return store;
}

/** Deletes every key of the store's prefix (and the audit log), then closes it. */
export async function dropRedisStore(store: GovernanceStore | undefined): Promise<void> {
  if (!store) return;
  for (const key of await store.keys('')) await store.delete(key);
  await store.close();
}

/** Polls `condition` every 20 ms until it holds or `timeoutMs` passes; whether it held. */
export async function until(
  condition: () => boolean | Promise<boolean>,
  timeoutMs: number,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await condition()) return true;
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** One governed gateway, reached over HTTP. */
export interface GovernedGateway {
  baseUrl: string;
  governance: Governance;
  /** POSTs a GraphQL request body (query, documentId, variables...). */
  post(body: Record<string, unknown>, headers?: Record<string, string>): Promise<GraphResponse>;
  /** Calls an /admin route as `adminKey`. */
  admin(
    method: 'GET' | 'POST',
    route: string,
    adminKey: string,
    body?: unknown,
  ): Promise<{ status: number; body: any }>;
  /** The module of the chain with this name. */
  module<T extends GovernanceModule>(name: string): T;
  /** Writes what the modules buffered (usage, unknown operations, audit records); rejects if the store does. */
  flush(): Promise<void>;
}

/** The HTTP side of a gateway listening at `baseUrl`, governed by `governance`. */
export function governedGateway(baseUrl: string, governance: Governance): GovernedGateway {
  const module = <T extends GovernanceModule>(name: string): T => {
    const found = governance.modules.find((candidate) => candidate.name === name);
    if (!found) throw new Error(`no governance module "${name}"`);
    return found as T;
  };
  return {
    baseUrl,
    governance,
    module,
    async post(body, headers = {}) {
      const response = await fetch(`${baseUrl}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify(body),
      });
      return {
        status: response.status,
        headers: response.headers,
        body: (await response.json()) as GraphResponse['body'],
      };
    },
    async admin(method, route, adminKey, body) {
      const response = await fetch(`${baseUrl}/admin${route}`, {
        method,
        headers: {
          'x-api-key': adminKey,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: response.status, body: await response.json() };
    },
    async flush() {
      for (const candidate of governance.modules as (GovernanceModule & Record<string, any>)[]) {
        if (candidate.name === 'usage') await candidate.aggregator.flush();
        if (candidate.name === 'persisted-operations') await candidate.flush();
        if (candidate.name === 'audit') await candidate.drain();
      }
    },
  };
}

/** The governance factory startGraph takes, keeping hold of what it built. */
export function governedBy(config: GovernanceConfig, store: GovernanceStore) {
  const built: { governance?: Governance } = {};
  return {
    built,
    factory: (supergraph: Parameters<typeof createGovernance>[1]['supergraph']) =>
      (built.governance = createGovernance(config, { supergraph, store, logLevel: 'silent' })),
  };
}

/**
 * Another gateway replica on `graph`'s supergraph and subgraphs (the same routing URLs), with its
 * own governance modules built from `config` on `store`.
 */
export async function startReplica(
  graph: RunningGraph,
  config: GovernanceConfig,
  store: GovernanceStore,
  supergraphSdl = graph.gateway.supergraph.current,
): Promise<GovernedGateway & { gateway: RunningGateway; close(): Promise<void> }> {
  const governed = governedBy(config, store);
  const gateway = await createGateway(
    { ...defaultGatewayConfig, port: 0, logLevel: 'silent' },
    { supergraphSdl, governance: governed.factory },
  );
  const baseUrl = await gateway.app.listen({ host: '127.0.0.1', port: 0 });
  return {
    ...governedGateway(baseUrl, governed.built.governance!),
    gateway,
    close: () => gateway.close(),
  };
}

/**
 * A TCP proxy to Redis: the gateway's store connects through it; `cut()` drops every connection
 * and refuses new ones (Redis "goes away" for this client only), `restore()` lets them through again.
 */
export class RedisProxy {
  private readonly sockets = new Set<net.Socket>();
  private readonly server = net.createServer((client) => this.accept(client));
  private open = true;
  /** Where the store connects instead of Redis. */
  url = '';

  private constructor(private readonly target: URL) {}

  static async start(targetUrl = REDIS_URL): Promise<RedisProxy> {
    const proxy = new RedisProxy(new URL(targetUrl));
    await new Promise<void>((resolve) => proxy.server.listen(0, '127.0.0.1', resolve));
    proxy.url = `redis://127.0.0.1:${(proxy.server.address() as net.AddressInfo).port}${proxy.target.pathname}`;
    return proxy;
  }

  /** Redis goes away: open connections are dropped, new ones refused. */
  cut(): void {
    this.open = false;
    for (const socket of this.sockets) socket.destroy();
  }

  /** Redis is back: new connections go through. */
  restore(): void {
    this.open = true;
  }

  async close(): Promise<void> {
    this.cut();
    await new Promise((resolve) => this.server.close(resolve));
  }

  private accept(client: net.Socket): void {
    if (!this.open) return void client.destroy();
    const upstream = net.connect(Number(this.target.port || 6379), this.target.hostname);
    for (const socket of [client, upstream]) {
      this.sockets.add(socket);
      socket.on('error', () => {});
      socket.on('close', () => {
        this.sockets.delete(socket);
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream).pipe(client);
  }
}
