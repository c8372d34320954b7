import path from 'node:path';
import { parseArgs } from 'node:util';
import { DEVELOPMENT_IDENTITY_SECRET, identitySecretFrom } from '@switchyard/kit';

/** Every setting of the gateway, with its default, in one validated object. */
export interface GatewayConfig {
  host: string;
  port: number;
  /** A rover supergraph config (.yaml, composed at start) or a composed supergraph SDL file. */
  supergraphFile: string;
  /** Routing URL overrides by subgraph name (SUBGRAPH_URL_<NAME>), e.g. for containers. */
  subgraphUrls: Record<string, string>;
  subgraphTimeoutMs: number;
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
  /** Redis for governance state shared by replicas; null: in memory. */
  redisUrl: string | null;
  /**
   * Signs the consumer identity forwarded to subgraphs (they verify it with the same secret). From the
   * environment through identitySecretFrom: refused in production when unset, short or the development one.
   */
  identitySecret: string;
}

export const REPO_ROOT = path.resolve(__dirname, '..', '..');

export const defaultGatewayConfig: GatewayConfig = {
  host: '127.0.0.1',
  port: 4000,
  supergraphFile: path.join(REPO_ROOT, 'supergraph.yaml'),
  subgraphUrls: {},
  subgraphTimeoutMs: 10_000,
  connectionsPerSubgraph: 64,
  bodyLimitBytes: 1_048_576,
  logLevel: 'info',
  ungoverned: false,
  governanceFile: null,
  redisUrl: null,
  identitySecret: DEVELOPMENT_IDENTITY_SECRET,
};

/**
 * Reads the configuration from the command line (`--supergraph FILE --governance FILE --port N --host H`)
 * and the environment (SUPERGRAPH_FILE, GOVERNANCE_FILE, PORT, HOST, SUBGRAPH_TIMEOUT_MS, SUBGRAPH_URL_<NAME>,
 * REDIS_URL, SWITCHYARD_IDENTITY_SECRET and NODE_ENV, LOG_LEVEL). Throws on a value it cannot use.
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
    logLevel: env.LOG_LEVEL ?? defaultGatewayConfig.logLevel,
    ungoverned: values.ungoverned === true || switchOf('SWITCHYARD_UNGOVERNED', env),
    governanceFile: governanceFile ? path.resolve(governanceFile) : null,
    redisUrl: env.REDIS_URL || null,
    identitySecret: identitySecretFrom(env),
  };
}

/** `1` on, `0` or unset off; `yes`, `true` or ` 1` are refused, not guessed at: this switch turns authorization off. */
function switchOf(name: string, env: NodeJS.ProcessEnv): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '' || raw === '0') return false;
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
