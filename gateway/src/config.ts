import path from 'node:path';
import { parseArgs } from 'node:util';
import { DEVELOPMENT_IDENTITY_SECRET, identitySecretFrom } from '@switchyard/kit';
import type { CircuitBreakerOptions } from './subgraph-health/circuit-breaker';

/** Every setting of the gateway, with its default, in one validated object. */
export interface GatewayConfig {
  host: string;
  port: number;
  /** A rover supergraph config (.yaml, composed at start) or a composed supergraph SDL file. */
  supergraphFile: string;
  /** Routing URL overrides by subgraph name (SUBGRAPH_URL_<NAME>), e.g. for containers. */
  subgraphUrls: Record<string, string>;
  /**
   * The deadline of each subgraph call (ms, SUBGRAPH_TIMEOUT_MS): past it the call is abandoned and
   * the fields it was to fill are null with SUBGRAPH_TIMEOUT, the rest of the answer kept. Shorter
   * than a client waits, so a slow subgraph costs its fields, not the client's whole request.
   */
  subgraphTimeoutMs: number;
  /** A deadline per subgraph name (SUBGRAPH_TIMEOUT_MS_<NAME>), instead of `subgraphTimeoutMs`. */
  subgraphTimeoutsMs: Record<string, number>;
  /**
   * Each subgraph's circuit breaker: opened after `failureThreshold` failed calls in a row
   * (SUBGRAPH_CIRCUIT_FAILURES), for `openMs` (SUBGRAPH_CIRCUIT_OPEN_MS) doubling after each failed
   * probe up to `maxOpenMs` (SUBGRAPH_CIRCUIT_MAX_OPEN_MS).
   */
  circuitBreaker: CircuitBreakerOptions;
  /**
   * Whether a subgraph query identical to one in flight (same subgraph, document, variables and
   * signed identity) waits for that call's answer instead of being sent again, as Hive Gateway does
   * (SUBGRAPH_DEDUPLICATION: 1, the default, or 0). Mutations are always sent.
   */
  deduplicateSubgraphRequests: boolean;
  connectionsPerSubgraph: number;
  /** Largest request body accepted, in bytes. */
  bodyLimitBytes: number;
  /** pino level of the request log; `silent` for none. */
  logLevel: string;
  /** The governance config file (consumers, limits, budgets...); null: an ungoverned gateway. */
  governanceFile: string | null;
  /**
   * The operator's explicit choice to serve a supergraph's security directives unenforced
   * (`--ungoverned`, SWITCHYARD_UNGOVERNED=1; 0 or unset: false, anything else refused). Without it a
   * gateway that does not enforce them refuses such a supergraph (security-enforcement.ts).
   */
  ungoverned: boolean;
  /** Redis for governance state shared by replicas (REDIS_URL); null: none. */
  redisUrl: string | null;
  /**
   * Where governance state lives (GOVERNANCE_STORE): `sqlite` (the durable embedded default without
   * REDIS_URL: one process, kept across restarts), `redis` (the default with REDIS_URL: replicas share
   * it), `memory` (forgotten at exit: for tests and throwaway runs).
   */
  governanceStore: 'sqlite' | 'redis' | 'memory';
  /** The SQLite file of the `sqlite` store (GOVERNANCE_STORE_FILE): by default DATA_DIR/governance.sqlite. */
  governanceStoreFile: string;
  /**
   * Signs the consumer identity forwarded to subgraphs (they verify it with the same secret). From the
   * environment through identitySecretFrom: refused in production when unset, short or the development one.
   */
  identitySecret: string;
  /**
   * The schema registry the supergraph comes from (REGISTRY_URL, `--registry`); null: from
   * `supergraphFile`. Set, the gateway follows its published versions without a restart.
   */
  registryUrl: string | null;
  /** The gateway's credential at the registry (REGISTRY_TOKEN: an API key, or a JWT sent as a bearer token). */
  registryToken: string | null;
  /** The last good supergraph from the registry, kept to start from while the registry is down (SUPERGRAPH_CACHE_FILE). */
  supergraphCacheFile: string;
  /** The built web console served at /console (CONSOLE_DIR; default console/dist, built at install time). */
  consoleDir: string;
}

export const REPO_ROOT = path.resolve(__dirname, '..', '..');

export const defaultGatewayConfig: GatewayConfig = {
  host: '127.0.0.1',
  port: 4000,
  supergraphFile: path.join(REPO_ROOT, 'supergraph.yaml'),
  subgraphUrls: {},
  subgraphTimeoutMs: 3_000,
  subgraphTimeoutsMs: {},
  circuitBreaker: { failureThreshold: 5, openMs: 1_000, maxOpenMs: 30_000 },
  deduplicateSubgraphRequests: true,
  connectionsPerSubgraph: 64,
  bodyLimitBytes: 1_048_576,
  logLevel: 'info',
  ungoverned: false,
  governanceFile: null,
  redisUrl: null,
  governanceStore: 'sqlite',
  governanceStoreFile: path.join(REPO_ROOT, '.data', 'governance.sqlite'),
  identitySecret: DEVELOPMENT_IDENTITY_SECRET,
  registryUrl: null,
  registryToken: null,
  supergraphCacheFile: path.join(REPO_ROOT, '.data', 'gateway', 'supergraph.graphql'),
  consoleDir: path.join(REPO_ROOT, 'console', 'dist'),
};

/**
 * Reads the configuration from the command line (`--supergraph FILE --governance FILE --port N --host H`)
 * and the environment (SUPERGRAPH_FILE, GOVERNANCE_FILE, PORT, HOST, SUBGRAPH_TIMEOUT_MS and _<NAME>,
 * SUBGRAPH_CIRCUIT_FAILURES, SUBGRAPH_CIRCUIT_OPEN_MS, SUBGRAPH_CIRCUIT_MAX_OPEN_MS, SUBGRAPH_DEDUPLICATION, SUBGRAPH_URL_<NAME>,
 * REDIS_URL, GOVERNANCE_STORE, GOVERNANCE_STORE_FILE (by default DATA_DIR/governance.sqlite),
 * SWITCHYARD_IDENTITY_SECRET and NODE_ENV, LOG_LEVEL; REGISTRY_URL or `--registry`, REGISTRY_TOKEN,
 * SUPERGRAPH_CACHE_FILE, by default DATA_DIR/gateway/supergraph.graphql), CONSOLE_DIR. Throws on a value it cannot use.
 */
export function gatewayConfigFrom(argv: string[], env: NodeJS.ProcessEnv): GatewayConfig {
  const { values } = parseArgs({
    args: argv,
    options: {
      ungoverned: { type: 'boolean' },
      supergraph: { type: 'string' },
      governance: { type: 'string' },
      port: { type: 'string' },
      host: { type: 'string' },
      registry: { type: 'string' },
    },
    allowPositionals: false,
  });
  const subgraphUrls = Object.fromEntries(
    Object.entries(env)
      .filter(([key, value]) => key.startsWith('SUBGRAPH_URL_') && value)
      .map(([key, value]) => [key.slice('SUBGRAPH_URL_'.length).toLowerCase(), value as string]),
  );
  const governanceFile = values.governance ?? env.GOVERNANCE_FILE;
  return {
    ...defaultGatewayConfig,
    host: values.host ?? env.HOST ?? defaultGatewayConfig.host,
    // 0: the system picks a free port (what tests ask for).
    port: wholeNumber('port', values.port ?? env.PORT, defaultGatewayConfig.port, 0, 65_535),
    supergraphFile: path.resolve(
      values.supergraph ?? env.SUPERGRAPH_FILE ?? defaultGatewayConfig.supergraphFile,
    ),
    subgraphUrls,
    subgraphTimeoutMs: wholeNumber(
      'SUBGRAPH_TIMEOUT_MS',
      env.SUBGRAPH_TIMEOUT_MS,
      defaultGatewayConfig.subgraphTimeoutMs,
      1,
      LONGEST_TIMER_MS,
    ),
    subgraphTimeoutsMs: bySubgraph('SUBGRAPH_TIMEOUT_MS_', env, (name, raw) =>
      wholeNumber(name, raw, defaultGatewayConfig.subgraphTimeoutMs, 1, LONGEST_TIMER_MS),
    ),
    circuitBreaker: circuitBreakerSettings(env),
    deduplicateSubgraphRequests: switchOf(
      'SUBGRAPH_DEDUPLICATION',
      env,
      defaultGatewayConfig.deduplicateSubgraphRequests,
    ),
    logLevel: env.LOG_LEVEL ?? defaultGatewayConfig.logLevel,
    ungoverned: values.ungoverned === true || switchOf('SWITCHYARD_UNGOVERNED', env),
    governanceFile: governanceFile ? path.resolve(governanceFile) : null,
    redisUrl: env.REDIS_URL || null,
    ...governanceStoreSettings(env),
    identitySecret: identitySecretFrom(env),
    ...registrySettings(values.registry ?? env.REGISTRY_URL, env),
    consoleDir: env.CONSOLE_DIR ? path.resolve(env.CONSOLE_DIR) : defaultGatewayConfig.consoleDir,
  };
}

/** `<PREFIX><NAME>=value` variables as a record by lower-cased subgraph name, each value read by `read`. */
function bySubgraph<T>(
  prefix: string,
  env: NodeJS.ProcessEnv,
  read: (name: string, raw: string) => T,
): Record<string, T> {
  return Object.fromEntries(
    Object.entries(env)
      .filter(([key, value]) => key.startsWith(prefix) && key.length > prefix.length && value)
      .map(([key, value]) => [key.slice(prefix.length).toLowerCase(), read(key, value!)]),
  );
}

function circuitBreakerSettings(env: NodeJS.ProcessEnv): CircuitBreakerOptions {
  const defaults = defaultGatewayConfig.circuitBreaker;
  const openMs = wholeNumber(
    'SUBGRAPH_CIRCUIT_OPEN_MS',
    env.SUBGRAPH_CIRCUIT_OPEN_MS,
    defaults.openMs,
    1,
    LONGEST_TIMER_MS,
  );
  const maxOpenMs = wholeNumber(
    'SUBGRAPH_CIRCUIT_MAX_OPEN_MS',
    env.SUBGRAPH_CIRCUIT_MAX_OPEN_MS,
    Math.max(defaults.maxOpenMs, openMs),
    openMs,
    LONGEST_TIMER_MS,
  );
  return {
    failureThreshold: wholeNumber(
      'SUBGRAPH_CIRCUIT_FAILURES',
      env.SUBGRAPH_CIRCUIT_FAILURES,
      defaults.failureThreshold,
      1,
      1_000_000,
    ),
    openMs,
    maxOpenMs,
  };
}

/** Where the supergraph comes from when a registry is named: its URL, the credential it requires, the disk copy. */
function registrySettings(
  rawUrl: string | undefined,
  env: NodeJS.ProcessEnv,
): Pick<GatewayConfig, 'registryUrl' | 'registryToken' | 'supergraphCacheFile'> {
  const supergraphCacheFile = path.resolve(
    env.SUPERGRAPH_CACHE_FILE ||
      (env.DATA_DIR
        ? path.join(env.DATA_DIR, 'gateway', 'supergraph.graphql')
        : defaultGatewayConfig.supergraphCacheFile),
  );
  if (!rawUrl) return { registryUrl: null, registryToken: null, supergraphCacheFile };
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    throw new Error(`REGISTRY_URL must be an http(s) URL, got "${rawUrl}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new Error(`REGISTRY_URL must be an http(s) URL, got "${rawUrl}"`);
  // The registry serves no anonymous caller: without a credential every poll would be refused.
  if (!env.REGISTRY_TOKEN)
    throw new Error(
      'REGISTRY_TOKEN is not set: the registry answers only authenticated callers holding schema:read (an API key or a JWT)',
    );
  return {
    registryUrl: url.href.replace(/\/+$/, ''),
    registryToken: env.REGISTRY_TOKEN,
    supergraphCacheFile,
  };
}

/** Which governance store, and its file: the kind named, else Redis when REDIS_URL is set, else SQLite. */
function governanceStoreSettings(
  env: NodeJS.ProcessEnv,
): Pick<GatewayConfig, 'governanceStore' | 'governanceStoreFile'> {
  const kinds = ['sqlite', 'redis', 'memory'] as const;
  const raw = env.GOVERNANCE_STORE || (env.REDIS_URL ? 'redis' : 'sqlite');
  const governanceStore = kinds.find((kind) => kind === raw);
  if (!governanceStore)
    throw new Error(`GOVERNANCE_STORE must be one of ${kinds.join(', ')}, got "${raw}"`);
  if (governanceStore === 'redis' && !env.REDIS_URL)
    throw new Error('GOVERNANCE_STORE is redis but REDIS_URL is not set');
  const governanceStoreFile = path.resolve(
    env.GOVERNANCE_STORE_FILE ||
      (env.DATA_DIR
        ? path.join(env.DATA_DIR, 'governance.sqlite')
        : defaultGatewayConfig.governanceStoreFile),
  );
  return { governanceStore, governanceStoreFile };
}

/** `1` on, `0` off, unset `unset`; `yes`, `true` or ` 1` are refused, not guessed at (SWITCHYARD_UNGOVERNED turns authorization off). */
function switchOf(name: string, env: NodeJS.ProcessEnv, unset = false): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return unset;
  if (raw === '0') return false;
  if (raw === '1') return true;
  throw new Error(`${name} must be 1 (on) or 0 (off), got "${raw}"`);
}

/** Node fires a longer timer at once (with a warning), so a longer timeout would mean none. */
const LONGEST_TIMER_MS = 2_147_483_647;

/** A whole number in decimal digits from `min` to `max`; `1e3`, `0x10`, `5.0` and ` 5` are refused, not guessed at. */
function wholeNumber(
  name: string,
  raw: string | undefined,
  fallback: number,
  min: number,
  max: number,
): number {
  if (raw === undefined || raw === '') return fallback;
  const value = /^[0-9]+$/.test(raw) ? Number(raw) : NaN;
  if (!(value >= min && value <= max))
    throw new Error(`${name} must be a whole number from ${min} to ${max}, got "${raw}"`);
  return value;
}
