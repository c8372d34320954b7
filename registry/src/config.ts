/**
 * The registry's configuration: one validated object from the environment, read here only.
 * HOST (127.0.0.1), PORT (4010), DATA_DIR (.data: registry.sqlite), DATABASE_URL (PostgreSQL, schema
 * `registry`, instead of SQLite), LOG_LEVEL (info; `silent` for none), REGISTRY_CONFIG (the consumers
 * allowed to call it, in the governance config's format; outside production the development file
 * registry/registry.dev.yaml when unset, in production required), REGISTRY_GRAPH (the graph's name,
 * default `switchyard`), APPROVAL_TTL (how long an approval holds, default 7d), REGISTRY_SEED (a
 * rover supergraph config whose subgraphs become version 1 of an empty registry).
 */
import path from 'node:path';
import { parseDuration } from '@switchyard/kit';

export const REGISTRY_ROOT = path.resolve(__dirname, '..');
export const DEVELOPMENT_REGISTRY_CONFIG = path.join(REGISTRY_ROOT, 'registry.dev.yaml');

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
  };
}

function port(raw: string | undefined): number {
  if (raw === undefined || raw === '') return 4010;
  const value = /^[0-9]+$/.test(raw) ? Number(raw) : NaN;
  if (!(value >= 0 && value <= 65_535))
    throw new Error(`PORT must be a whole number from 0 to 65535, got "${raw}"`);
  return value;
}
