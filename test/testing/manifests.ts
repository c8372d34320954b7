/**
 * Persisted-operation manifests in Apollo's persisted-query-manifest format, as a partner submits
 * them: each operation's id is its body's hash (operation-manifest.ts), its type read from the body.
 */
import { operationId } from '../../gateway/src/governance/persisted-operations/operation-manifest';

export interface ManifestEntry {
  id: string;
  name: string;
  type: 'query' | 'mutation';
  body: string;
}

export const manifestEntry = (name: string, body: string): ManifestEntry => ({
  id: operationId(body),
  name,
  type: body.trimStart().startsWith('mutation') ? 'mutation' : 'query',
  body,
});

export const manifestOf = (...operations: ManifestEntry[]) => ({
  format: 'apollo-persisted-query-manifest',
  version: 1,
  operations,
});
