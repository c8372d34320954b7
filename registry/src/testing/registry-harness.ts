/** A registry for tests: real store (SQLite in memory or a fresh PostgreSQL schema), real HTTP routes. */
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import pg from 'pg';
import type { FastifyInstance } from 'fastify';
import { readSupergraphConfig } from '@switchyard/gateway/src/supergraph-config';
import { loadRegistryAuth } from '../auth';
import type { RunCheck, SubgraphVersionRef } from '../checks/check-report';
import { compositionOnlyCheck } from '../composition-check';
import { DEVELOPMENT_REGISTRY_CONFIG } from '../config';
import {
  createDeprecationService,
  type DeprecationService,
  type DeprecationServiceOptions,
} from '../lifecycle/deprecation-service';
import { createRegistryService, type RegistryService } from '../registry-service';
import { buildRegistryServer } from '../server';
import { openRegistryStore, type RegistryStore } from '../storage/registry-store';

export const REPO_ROOT = path.resolve(__dirname, '../../..');
export const TEST_DATABASE_URL =
  process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** The six subgraphs as the repository has them (supergraph.yaml). */
export function repositorySubgraphs(): SubgraphVersionRef[] {
  return readSupergraphConfig(path.join(REPO_ROOT, 'supergraph.yaml'));
}

export interface TestRegistry {
  app: FastifyInstance;
  service: RegistryService;
  store: RegistryStore;
  /** Present when the options asked for the lifecycle. */
  lifecycle?: DeprecationService;
  close(): Promise<void>;
}

export interface TestRegistryOptions {
  /** PostgreSQL: a schema of its own, dropped on close. Default SQLite in memory. */
  databaseUrl?: string;
  runCheck?: RunCheck;
  /** Seed with the repository's six subgraphs. Default true. */
  seed?: boolean;
  now?: () => Date;
  maxWaitMs?: number;
  watchPollMs?: number;
  /** Deprecations, waivers and notices (issue 15), with these sources and clock. */
  lifecycle?: Omit<DeprecationServiceOptions, 'store' | 'graph'>;
}

export async function startTestRegistry(options: TestRegistryOptions = {}): Promise<TestRegistry> {
  const schema = options.databaseUrl ? `registry_test_${randomUUID().slice(0, 8)}` : undefined;
  const store = await openRegistryStore({
    dataDir: ':memory:',
    databaseUrl: options.databaseUrl,
    databaseSchema: schema,
  });
  const service = createRegistryService({
    store,
    graph: 'switchyard',
    runCheck: options.runCheck ?? compositionOnlyCheck,
    now: options.now,
    watchPollMs: options.watchPollMs,
  });
  if (options.seed !== false) await service.seed(repositorySubgraphs(), 'seed');
  const lifecycle =
    options.lifecycle &&
    createDeprecationService({ ...options.lifecycle, store, graph: 'switchyard' });
  const app = buildRegistryServer({
    service,
    auth: loadRegistryAuth(DEVELOPMENT_REGISTRY_CONFIG, {}),
    logLevel: 'silent',
    maxWaitMs: options.maxWaitMs,
    lifecycle,
  });
  await app.ready();
  return {
    app,
    service,
    store,
    lifecycle,
    async close() {
      await lifecycle?.idle();
      await app.close();
      await store.close();
      if (options.databaseUrl && schema) {
        const client = new pg.Client({ connectionString: options.databaseUrl });
        await client.connect();
        await client.query(`drop schema if exists "${schema}" cascade`);
        await client.end();
      }
    },
  };
}

/** The repository's SDL of `subgraph` with `edit` applied; throws when the edit changed nothing. */
export function editedSdl(subgraph: string, edit: (sdl: string) => string): string {
  const original = repositorySubgraphs().find((s) => s.name === subgraph)!.sdl;
  const edited = edit(original);
  if (edited === original) throw new Error(`the edit of ${subgraph} changed nothing`);
  return edited;
}

/** Adds `line` as the first field of the object type `type` (however its directives are laid out). */
export function withField(subgraph: string, type: string, line: string): string {
  return editedSdl(subgraph, (sdl) =>
    sdl.replace(new RegExp(`(\\ntype ${type}\\b[^{]*\\{\\n)`), `$1  ${line}\n`),
  );
}
