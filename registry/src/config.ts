/**
 * The registry's configuration: one validated object from the environment, read here only.
 * HOST (127.0.0.1), PORT (4010), DATA_DIR (.data: registry.sqlite), DATABASE_URL (PostgreSQL, schema
 * `registry`, instead of SQLite), LOG_LEVEL (info; `silent` for none), REGISTRY_CONFIG (the consumers
 * allowed to call it, in the governance config's format; outside production the development file
 * registry/registry.dev.yaml when unset, in production required), REGISTRY_GRAPH (the graph's name,
 * default `switchyard`), APPROVAL_TTL (how long an approval holds, default 7d), REGISTRY_SEED (a
 * rover supergraph config whose subgraphs become version 1 of an empty registry), SUBGRAPH_URL_<NAME>
 * (the routing URL the seed records for that subgraph instead of the config's, as the gateway
 * overrides it: in containers the subgraphs do not answer on 127.0.0.1).
 *
 * What checks read about consumers (registry/src/checks/): GOVERNANCE_FILE (the governance config
 * the gateways run: consumers, contracts, tiers, usage windows), REGISTRY_GATEWAY_URL (a gateway
 * whose admin API answers usage and registered operations, default http://127.0.0.1:4000) and
 * REGISTRY_GATEWAY_ADMIN_KEY (an API key, or a JWT, of a governance:admin consumer). Outside production the
 * first and last default to the development files' (gateway/governance.dev.yaml, dev-platform-admin);
 * in production both are required: a check that cannot see consumers would judge blind.
 */
import path from 'node:path';
import { parseDuration } from '@switchyard/kit';

export const REGISTRY_ROOT = path.resolve(__dirname, '..');
export const DEVELOPMENT_REGISTRY_CONFIG = path.join(REGISTRY_ROOT, 'registry.dev.yaml');
const DEVELOPMENT_GOVERNANCE_FILE = path.resolve(REGISTRY_ROOT, '../gateway/governance.dev.yaml');
/** The development governance file's admin consumer, whose API key is its id. */
const DEVELOPMENT_ADMIN_KEY = 'dev-platform-admin';

export interface RegistryConfig {
  host: string;
  port: number;
  dataDir: string | undefined;
  databaseUrl: string | undefined;
  logLevel: string;
  /** The consumers file (governance config format). */
  configFile: string;
  graph: string;
  approvalTtlMs: number;
  /** A rover supergraph config to seed an empty registry from, or null. */
  seedFile: string | null;
  /** Routing URLs by subgraph name (SUBGRAPH_URL_<NAME>, name lower-cased) the seed records instead of the config's. */
  seedRoutingUrls: Record<string, string>;
  /** The gateways' governance config. */
  governanceFile: string;
  /** The gateway whose admin API the checks read. */
  gatewayUrl: string;
  /** The admin API key the checks send. */
  gatewayAdminKey: string;
}

export function registryConfigFrom(env: NodeJS.ProcessEnv): RegistryConfig {
  const production = env.NODE_ENV === 'production';
  if (!env.REGISTRY_CONFIG && production)
    throw new Error(
      'REGISTRY_CONFIG is not set: in production the registry needs its consumers file (who may publish, approve, read); it does not start with the development one',
    );
  const configFile = path.resolve(env.REGISTRY_CONFIG || DEVELOPMENT_REGISTRY_CONFIG);
  if (production && configFile === DEVELOPMENT_REGISTRY_CONFIG)
    throw new Error(
      'REGISTRY_CONFIG names the development consumers file, whose keys anyone can read; production refuses it',
    );
  const graph = env.REGISTRY_GRAPH || 'switchyard';
  if (!/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/.test(graph))
    throw new Error(`REGISTRY_GRAPH must be 1-64 letters, digits, "_" or "-", got "${graph}"`);
  let approvalTtlMs: number;
  try {
    approvalTtlMs = env.APPROVAL_TTL ? parseDuration(env.APPROVAL_TTL) : 7 * 24 * 3_600_000;
  } catch (error) {
    throw new Error(`APPROVAL_TTL: ${(error as Error).message}`, { cause: error });
  }
  for (const name of ['GOVERNANCE_FILE', 'REGISTRY_GATEWAY_ADMIN_KEY'])
    if (production && !env[name])
      throw new Error(
        `${name} is not set: in production the registry's checks need the gateways' governance config and an admin key of their admin API`,
      );
  const gatewayUrl = env.REGISTRY_GATEWAY_URL || 'http://127.0.0.1:4000';
  try {
    if (!/^https?:$/.test(new URL(gatewayUrl).protocol)) throw new Error('not http(s)');
  } catch (error) {
    throw new Error(`REGISTRY_GATEWAY_URL must be an http(s) URL, got "${gatewayUrl}"`, {
      cause: error,
    });
  }
  return {
    host: env.HOST || '127.0.0.1',
    port: port(env.PORT),
    dataDir: env.DATA_DIR || undefined,
    databaseUrl: env.DATABASE_URL || undefined,
    logLevel: env.LOG_LEVEL || 'info',
    configFile,
    graph,
    approvalTtlMs,
    seedFile: env.REGISTRY_SEED ? path.resolve(env.REGISTRY_SEED) : null,
    seedRoutingUrls: seedRoutingUrls(env),
    governanceFile: path.resolve(env.GOVERNANCE_FILE || DEVELOPMENT_GOVERNANCE_FILE),
    gatewayUrl,
    gatewayAdminKey: env.REGISTRY_GATEWAY_ADMIN_KEY || DEVELOPMENT_ADMIN_KEY,
  };
}

function seedRoutingUrls(env: NodeJS.ProcessEnv): Record<string, string> {
  const urls: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    if (!key.startsWith('SUBGRAPH_URL_') || !value) continue;
    try {
      if (!/^https?:$/.test(new URL(value).protocol)) throw new Error('not http(s)');
    } catch (error) {
      throw new Error(`${key} must be an http(s) URL, got "${value}"`, { cause: error });
    }
    urls[key.slice('SUBGRAPH_URL_'.length).toLowerCase()] = value;
  }
  return urls;
}

function port(raw: string | undefined): number {
  if (raw === undefined || raw === '') return 4010;
  const value = /^[0-9]+$/.test(raw) ? Number(raw) : NaN;
  if (!(value >= 0 && value <= 65_535))
    throw new Error(`PORT must be a whole number from 0 to 65535, got "${raw}"`);
  return value;
}
