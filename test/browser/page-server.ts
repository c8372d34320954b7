/**
 * A web page served on an origin of its own (127.0.0.1, a port of its own): what a storefront or
 * a partner's portal is to the gateway in a browser test.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ServedPage {
  /** The page's origin, `http://127.0.0.1:<port>`. */
  origin: string;
  /** The page's URL (its origin and `/`). */
  url: string;
  close(): Promise<void>;
}

/** Serves `html` at `/` (with any query string, which the page's script may read) and 404 elsewhere, until closed. */
export async function servePage(html: string): Promise<ServedPage> {
  const server = createServer((request, response) => {
    if (request.url?.split('?')[0] === '/') {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html);
    } else {
      response.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    url: `${origin}/`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
