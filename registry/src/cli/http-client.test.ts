/** The CLI's one HTTP client against a local server: credentials, JSON, and calls that get no answer. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { callService, gatewayService, registryService } from './http-client';

const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl';
let server: http.Server;
let url: string;
let seen: { headers: http.IncomingHttpHeaders; body: string }[] = [];
/** What the server answers next: a status and a raw body. */
let reply: [number, string] = [200, '{"ok":true}'];

beforeAll(async () => {
  server = http.createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      seen.push({ headers: request.headers, body });
      response.writeHead(reply[0]).end(reply[1]);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));
beforeEach(() => {
  seen = [];
  reply = [200, '{"ok":true}'];
});

test('an API key goes as x-api-key and a JWT as a bearer token, to either service', async () => {
  await callService(gatewayService({ SWITCHYARD_URL: url, SWITCHYARD_ADMIN_KEY: 'key-1' }), {
    path: '/a',
  });
  await callService(registryService({ SWITCHYARD_REGISTRY_URL: url, SWITCHYARD_TOKEN: JWT }), {
    path: '/b',
  });
  await callService(gatewayService({ SWITCHYARD_URL: url, SWITCHYARD_ADMIN_KEY: JWT }), {
    path: '/c',
  });
  await callService(registryService({ SWITCHYARD_REGISTRY_URL: url }), { path: '/d' });
  expect(seen.map(({ headers }) => [headers['x-api-key'], headers.authorization])).toEqual([
    ['key-1', undefined],
    [undefined, `Bearer ${JWT}`],
    [undefined, `Bearer ${JWT}`],
    [undefined, undefined],
  ]);
});

test('a body is sent as JSON; any status with a JSON body (or none) is an answer', async () => {
  reply = [422, '{"errors":[{"message":"no"}]}'];
  const refused = await callService(gatewayService({ SWITCHYARD_URL: url }), {
    method: 'POST',
    path: '/x',
    body: { amount: 5, window: undefined },
  });
  expect(refused).toEqual({ reached: true, status: 422, body: { errors: [{ message: 'no' }] } });
  expect(seen[0]).toMatchObject({
    headers: { 'content-type': 'application/json' },
    body: '{"amount":5}',
  });
  reply = [204, ''];
  expect(await callService(gatewayService({ SWITCHYARD_URL: url }), { path: '/y' })).toEqual({
    reached: true,
    status: 204,
    body: null,
  });
});

test('an answer other than JSON, or none at all, is no answer, named by service and address', async () => {
  reply = [502, '<html>bad gateway</html>'];
  expect(
    await callService(registryService({ SWITCHYARD_REGISTRY_URL: url }), { path: '/' }),
  ).toEqual({
    reached: false,
    message: `the registry at ${url.replace(/\/$/, '')} answered 502 with something other than JSON: <html>bad gateway</html>`,
  });
  expect(
    await callService(gatewayService({ SWITCHYARD_URL: 'http://127.0.0.1:9' }), { path: '/' }),
  ).toEqual({
    reached: false,
    message: expect.stringMatching(/^could not reach the gateway at http:\/\/127\.0\.0\.1:9: \S/),
  });
});
