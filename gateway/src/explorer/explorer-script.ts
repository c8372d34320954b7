/**
 * The explorer page's own script, served as /explorer/explorer.js (a file of its own, so the page's
 * Content-Security-Policy needs no inline script). It renders GraphiQL against the page's own
 * /graphql and sends the credential pasted in the page's field with every request, the schema's
 * introspection included: a JWT (three dot-separated parts) as `Authorization: Bearer`, anything
 * else as `x-api-key`. The credential lives in the page only: never stored, gone on reload.
 */
export const EXPLORER_SCRIPT = `'use strict';
(function () {
  var form = document.getElementById('credential-form');
  var field = document.getElementById('credential');
  var status = document.getElementById('credential-status');
  var root = ReactDOM.createRoot(document.getElementById('graphiql'));
  var endpoint = window.location.pathname;

  function credentialHeaders(credential) {
    if (!credential) return {};
    return /^[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]*$/.test(credential)
      ? { authorization: 'Bearer ' + credential }
      : { 'x-api-key': credential };
  }

  function render() {
    var credential = field.value.trim();
    var headers = credentialHeaders(credential);
    status.textContent = credential
      ? 'sent as ' + (headers.authorization ? 'Authorization: Bearer' : 'x-api-key')
      : 'no credential: requests are refused unless the gateway serves anonymous callers';
    // A new fetcher makes GraphiQL introspect again, now as the consumer the credential names.
    root.render(
      React.createElement(GraphiQL, {
        fetcher: GraphiQL.createFetcher({ url: endpoint, headers: headers }),
        defaultEditorToolsVisibility: true,
        shouldPersistHeaders: false,
        defaultQuery: [
          '# Paste your API key (or a JWT) above, then run with Ctrl-Enter.',
          '# The schema (Docs) is the one your key may use.',
          'query FirstOrders {',
          '  orders(first: 5) {',
          '    edges { node { id number status customer { id name } } }',
          '  }',
          '}',
          '',
        ].join('\\n'),
      }),
    );
  }

  form.addEventListener('submit', function (event) {
    event.preventDefault();
    render();
  });
  render();
})();
`;
