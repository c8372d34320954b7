/**
 * GraphiQL against the gateway's /graphql with the signed-in credential (its own chunk: the Schema
 * page imports it lazily, so no other page loads GraphiQL). The gateway governs what runs as for any
 * request of this consumer: its contract, scopes, budgets and persisted-only mode apply.
 */
import { GraphiQL } from 'graphiql';
import 'graphiql/graphiql.css';
import { credentialHeaders } from '../api';
import { savedCredential } from '../session';

interface FetcherParams {
  query: string;
  operationName?: string | null;
  variables?: Record<string, unknown> | null;
}

async function fetcher(params: FetcherParams): Promise<unknown> {
  const response = await fetch('/graphql', {
    method: 'POST',
    headers: {
      ...credentialHeaders(savedCredential() ?? ''),
      'content-type': 'application/json',
      accept: 'application/json',
      'apollographql-client-name': 'switchyard-console-playground',
    },
    body: JSON.stringify(params),
  });
  return response.json();
}

/** A first query that runs for any consumer allowed free-form documents. */
const FIRST_QUERY = '{\n  orders(first: 3) {\n    totalCount\n  }\n}\n';

export default function SchemaPlayground() {
  return <GraphiQL fetcher={fetcher} defaultQuery={FIRST_QUERY} />;
}
