/**
 * A plain HTTP server for a test to stand in for a peer (a subgraph, a registry) on a free local port.
 * A handler that throws answers 500 with the error, so the test sees it instead of a hung request.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type AsyncListener = (
  request: http.IncomingMessage,
  response: http.ServerResponse,
) => Promise<void>;

export async function listen(
  handler: AsyncListener,
): Promise<{ url: string; server: http.Server }> {
  const server = http.createServer((request, response) => {
    handler(request, response).catch((error: unknown) => {
      response.statusCode = 500;
      response.end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

/** The request's body as text. */
export async function bodyOf(request: http.IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
