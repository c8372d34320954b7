/**
 * Checks on the repository's real graph: the six subgraphs' schema.graphql files (supergraph.yaml)
 * composed before and after an edit, the development governance config, and sources whose usage
 * and registered operations a test states.
 */
import path from 'node:path';
import { composeSubgraphs, readSupergraphConfig } from '@switchyard/gateway/src/supergraph-config';
import { loadGovernanceConfig } from '@switchyard/gateway/src/governance/governance-config';
import { operationId } from '@switchyard/gateway/src/governance/persisted-operations/operation-manifest';
import type { CheckInput, Composition } from '../check-report';
import type {
  CoordinateUsageRow,
  GovernanceSources,
  RegisteredOperationBody,
  UsageQuery,
} from '../governance-sources';
import { SourceUnavailableError } from '../governance-sources';

const ROOT = path.resolve(__dirname, '..', '..', '..', '..');
export const SUBGRAPHS = readSupergraphConfig(path.join(ROOT, 'supergraph.yaml'));
export const GOVERNANCE = loadGovernanceConfig(
  path.join(ROOT, 'gateway', 'governance.dev.yaml'),
  {},
);
export const NOW = Date.parse('2026-11-20T10:30:00Z');
const DAY = 86_400_000;

const BEFORE = composeSubgraphs(SUBGRAPHS) as Composition & { ok: true };

/**
 * The check input of `subgraph`'s schema.graphql edited by `edit`; with `base`, today's graph is
 * the files with `base` applied to that subgraph first (and the candidate is `edit` of that).
 */
export function changeOf(
  subgraph: string,
  edit: (sdl: string) => string,
  base?: (sdl: string) => string,
): CheckInput {
  const current = SUBGRAPHS.map(({ name, url, sdl }) => ({
    name,
    url,
    sdl: base && name === subgraph ? base(sdl) : sdl,
  }));
  const existing = current.find((s) => s.name === subgraph)!;
  const sdl = edit(existing.sdl);
  if (sdl === existing.sdl) throw new Error(`the edit of ${subgraph} changed nothing`);
  const candidate = { ...existing, sdl };
  const before = base ? (composeSubgraphs(current) as Composition & { ok: true }) : BEFORE;
  if (!before.ok) throw new Error('the base edit does not compose');
  return {
    subgraph,
    current,
    candidate,
    before,
    after: composeSubgraphs([...current.filter((s) => s.name !== subgraph), candidate]),
  };
}

/** Replaces exactly one occurrence of `from` (so a fixture that no longer matches fails loudly). */
export function replaceOnce(sdl: string, from: string | RegExp, to: string): string {
  const matches =
    typeof from === 'string'
      ? sdl.split(from).length - 1
      : (sdl.match(new RegExp(from, 'g')) ?? []).length;
  if (matches !== 1) throw new Error(`expected one ${String(from)} in the SDL, found ${matches}`);
  return sdl.replace(from, to);
}

export function registered(name: string, body: string): RegisteredOperationBody {
  return { id: operationId(body), name, type: body.trim().split(/\s/)[0], body };
}

/** dev-acme-distributor's trusted operation (within the partner contract). */
export const ACME_ORDER = registered(
  'AcmeOrder',
  'query AcmeOrder($id: ID) { order(id: $id) { id number status poNumber } }',
);

export interface FakeSourcesOptions {
  /** Registered operations by consumer. */
  operations?: Record<string, RegisteredOperationBody[]>;
  rows?: CoordinateUsageRow[];
  /** Recorded usage ranges; default: recorded throughout the last 400 days. */
  recorded?: { from: number; to: number }[];
  retentionDays?: number;
  usageDown?: boolean;
}

export function fakeSources(options: FakeSourcesOptions = {}) {
  const queries: UsageQuery[] = [];
  const sources: GovernanceSources = {
    async usage(query) {
      queries.push(query);
      if (options.usageDown) throw new SourceUnavailableError('usage: HTTP 503 STORE_UNAVAILABLE');
      return {
        rows: (options.rows ?? []).filter((row) => query.coordinates.includes(row.coordinate)),
        recorded: options.recorded ?? [{ from: NOW - 400 * DAY, to: NOW }],
        retentionDays: options.retentionDays ?? 400,
        readAt: NOW,
      };
    },
    async registeredOperations(consumerId) {
      return options.operations?.[consumerId] ?? [];
    },
  };
  return { sources, queries };
}
