/**
 * GraphiQL against the gateway's /graphql with the signed-in credential (its own chunk: the Schema
 * page imports it lazily, so no other page loads GraphiQL). The gateway governs what runs as for any
 * request of this consumer: its contract, scopes, budgets and persisted-only mode apply.
 */
import { useRef, type KeyboardEvent } from 'react';
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

/**
 * GraphiQL's editors keep Tab for indentation, which would trap a keyboard user: Escape in an editor
 * (unless it closes a suggestion list) gives the focus up, and the next Tab goes on from there. The
 * focus is given up on the key's release, after CodeMirror has handled the press (which keeps it), so
 * a Tab that follows at once already starts from outside the editor.
 */
export default function SchemaPlayground() {
  const closingHints = useRef(false);
  const notePress = (event: KeyboardEvent<HTMLDivElement>) => {
    if (event.key === 'Escape')
      closingHints.current = !!document.querySelector('.CodeMirror-hints');
  };
  const releaseEditorFocus = (event: KeyboardEvent<HTMLDivElement>) => {
    const target = event.target as HTMLElement;
    if (event.key !== 'Escape' || closingHints.current || !target.closest('.CodeMirror')) return;
    target.blur();
  };
  return (
    // display: contents: the wrapper only listens; GraphiQL still fills the Schema page's panel.
    <div
      style={{ display: 'contents' }}
      onKeyDownCapture={notePress}
      onKeyUpCapture={releaseEditorFocus}
    >
      <GraphiQL fetcher={fetcher} defaultQuery={FIRST_QUERY}>
        <GraphiQL.Footer>
          <p className="hint">In an editor Tab indents: press Escape, then Tab, to move on.</p>
        </GraphiQL.Footer>
      </GraphiQL>
    </div>
  );
}
