/**
 * The two HTML pages the gateway serves browsers: the explorer (GraphiQL, at GET /graphql) and the
 * front page (GET /) pointing to it and to the gateway's other endpoints.
 */
import { EXPLORER_ASSET_PATH } from './explorer-assets';

/**
 * Everything the explorer loads comes from the gateway itself: scripts and styles from
 * /explorer/, fonts and icons inlined as data: URLs in GraphiQL's CSS, requests to /graphql.
 * Inline styles are GraphiQL's own (its editors position themselves with style attributes).
 */
export const EXPLORER_CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "font-src 'self' data:",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** Headers of both pages: no script of another origin, not framed, no referrer leaving the gateway. */
export const PAGE_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'content-security-policy': EXPLORER_CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-cache',
};

export const EXPLORER_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Switchyard explorer</title>
<link rel="stylesheet" href="${EXPLORER_ASSET_PATH}/graphiql.css">
<style>
  html, body { height: 100%; margin: 0; }
  body { display: flex; flex-direction: column; font-family: system-ui, sans-serif; }
  #credential-form { display: flex; gap: .5rem; align-items: center; padding: .4rem .8rem;
    border-bottom: 1px solid #ddd; font-size: 14px; }
  #credential { flex: 0 1 28rem; font: inherit; padding: .2rem .4rem; }
  #credential-status { color: #666; }
  #graphiql { flex: 1; min-height: 0; }
</style>
</head>
<body>
<form id="credential-form" autocomplete="off">
  <label for="credential">API key or token</label>
  <input id="credential" name="credential" type="password" spellcheck="false"
    placeholder="paste your key (x-api-key) or a JWT (Authorization: Bearer)">
  <button type="submit">Use</button>
  <span id="credential-status"></span>
</form>
<div id="graphiql">Loading the explorer…</div>
<script src="${EXPLORER_ASSET_PATH}/react.js"></script>
<script src="${EXPLORER_ASSET_PATH}/react-dom.js"></script>
<script src="${EXPLORER_ASSET_PATH}/graphiql.js"></script>
<script src="${EXPLORER_ASSET_PATH}/explorer.js"></script>
</body>
</html>
`;

export interface FrontPageLinks {
  /** Whether GET /graphql serves the explorer to a browser. */
  explorer: boolean;
  /** The schema registry the gateway follows, shown with the explorer only (a development gateway). */
  registryUrl: string | null;
}

/** GET /'s answer to a program: where the gateway's endpoints are. */
export function frontPageJson(links: FrontPageLinks) {
  return {
    service: 'switchyard-gateway',
    graphql: '/graphql',
    explorer: links.explorer ? '/graphql' : null,
    healthz: '/healthz',
    readyz: '/readyz',
    metrics: '/metrics',
  };
}

/** GET /'s answer to a browser. */
export function frontPageHtml(links: FrontPageLinks): string {
  const items = [
    links.explorer
      ? '<li><a href="/graphql">/graphql</a>: the explorer (GraphiQL); paste your API key or token at the top</li>'
      : '<li><code>/graphql</code>: the GraphQL endpoint (POST, or GET for queries); the explorer is off on this gateway</li>',
    '<li><a href="/readyz">/readyz</a>: whether every subgraph answers; <a href="/healthz">/healthz</a>: whether the gateway runs</li>',
    '<li><code>/metrics</code>: Prometheus metrics, for a key holding <code>governance:admin</code></li>',
    ...(links.explorer && links.registryUrl
      ? [
          `<li>The schema registry this gateway follows: <code>${escapeHtml(links.registryUrl)}</code> (<code>npm run switchyard -- --help</code>)</li>`,
        ]
      : []),
  ];
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Switchyard gateway</title></head>
<body>
<h1>Switchyard gateway</h1>
<ul>
${items.join('\n')}
</ul>
</body>
</html>
`;
}

function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (character) =>
      ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[character]!,
  );
}
