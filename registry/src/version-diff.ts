/**
 * What changed between two graph versions: the API schema, and each subgraph whose SDL or routing
 * URL differs, as unified diffs of sorted printouts (schema-text.ts), so reordering is no change.
 */
import { badInput, notFound } from './errors';
import { diffLines, sortedApiSchema, sortedSubgraphSdl, unifiedDiff } from './schema-text';
import type { RegistryStore } from './storage/registry-store';

export interface DiffOutcome {
  from: number;
  to: number;
  /** The API schema's sorted printout, as a unified diff ('' when the same). */
  apiSchema: string;
  /** Each subgraph whose SDL (sorted) or routing URL differs, added or removed between the versions. */
  subgraphs: { name: string; from: number | null; to: number | null; diff: string }[];
}

export async function diffVersions(
  store: RegistryStore,
  graph: string,
  from: number,
  to: number,
): Promise<DiffOutcome> {
  for (const [field, value] of [
    ['from', from],
    ['to', to],
  ] as const)
    if (!Number.isSafeInteger(value) || value < 1)
      throw badInput(`${field} must be a version number (a whole number from 1)`, { field });
  const [a, b] = await Promise.all([store.supergraph(graph, from), store.supergraph(graph, to)]);
  if (!a) throw notFound(`No version ${from}`, { version: from });
  if (!b) throw notFound(`No version ${to}`, { version: to });
  const names = [
    ...new Set([...Object.keys(a.subgraphVersions), ...Object.keys(b.subgraphVersions)]),
  ].sort();
  const subgraphs: DiffOutcome['subgraphs'] = [];
  for (const name of names) {
    const fromVersion = a.subgraphVersions[name] ?? null;
    const toVersion = b.subgraphVersions[name] ?? null;
    if (fromVersion === toVersion) continue;
    const [before, after] = await Promise.all([
      fromVersion === null ? null : store.subgraphAt(graph, name, fromVersion),
      toVersion === null ? null : store.subgraphAt(graph, name, toVersion),
    ]);
    const diff = unifiedDiff(
      diffLines(
        before ? sortedSubgraphSdl(before.sdl) : '',
        after ? sortedSubgraphSdl(after.sdl) : '',
      ),
    );
    const urlLine =
      before && after && before.url !== after.url
        ? `routing URL: ${before.url} -> ${after.url}\n`
        : '';
    if (diff || urlLine)
      subgraphs.push({ name, from: fromVersion, to: toVersion, diff: urlLine + diff });
  }
  return {
    from,
    to,
    apiSchema: unifiedDiff(
      diffLines(sortedApiSchema(a.apiSchemaSdl), sortedApiSchema(b.apiSchemaSdl)),
    ),
    subgraphs,
  };
}
