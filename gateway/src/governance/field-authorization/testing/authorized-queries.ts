/** What the field authorization tests share: Switchyard's own supergraph, callers, and authorizing a query text. */
import path from 'node:path';
import { parse } from 'graphql';
import { REPO_ROOT } from '../../../config';
import { SupergraphSource } from '../../../supergraph-manager';
import { loadSupergraph } from '../../../supergraph-config';
import { declaredRequirementsOf } from '../directives';
import { authorizeOperation } from '../document-filter';
import type { Caller } from '../requirements';

export const switchyard = new SupergraphSource(
  loadSupergraph(path.join(REPO_ROOT, 'supergraph.yaml')),
);

export const caller = (scopes: string[], authenticated = true): Caller => ({
  authenticated,
  scopes: new Set(scopes),
});
export const authorize = (
  source: SupergraphSource,
  query: string,
  who: Caller,
  queryHash = 'hash-1',
) =>
  authorizeOperation(
    source.apiSchema(),
    declaredRequirementsOf(source.directives),
    parse(query),
    undefined,
    who,
    queryHash,
  );
