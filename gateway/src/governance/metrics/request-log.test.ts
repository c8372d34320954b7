import { Writable } from 'node:stream';
import Fastify from 'fastify';
import { logOptions } from '@switchyard/kit';
import type { GatewayContext } from '../../context';
import { GovernanceCode, GovernanceError } from '../errors';
import {
  createLogger,
  createRequestLogModule,
  watchRequests,
  type FinishedRequest,
} from './request-log';

function capture() {
  const lines: Record<string, any>[] = [];
  const raw: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) {
        raw.push(line);
        lines.push(JSON.parse(line));
      }
      done();
    },
  });
  return { stream, lines, text: () => raw.join('\n') };
}

const SECRET = 'sk-live-do-not-log';

describe('createLogger', () => {
  test('redacts credential headers and the identity header wherever a log object carries them', () => {
    const out = capture();
    const logger = createLogger('info', out.stream);
    const headers = {
      authorization: `Bearer ${SECRET}`,
      'x-api-key': SECRET,
      'x-switchyard-identity': SECRET,
      cookie: `session=${SECRET}`,
      'user-agent': 'curl',
    };
    logger.info({ req: { headers } }, 'as Fastify logs a request');
    logger.info({ headers }, 'a bare headers object');
    logger.info(
      { request: { body: { query: '{ secretField }', variables: { card: SECRET } } } },
      'a request body',
    );
    expect(out.text()).not.toContain(SECRET);
    expect(out.text()).not.toContain('secretField');
    expect(out.lines[0].req).toEqual({}); // the req serializer keeps no headers at all
    expect(out.lines[1].headers).toEqual({
      authorization: '[redacted]',
      'x-api-key': '[redacted]',
      'x-switchyard-identity': '[redacted]',
      cookie: '[redacted]',
      'user-agent': 'curl',
    });
  });

  test('a level of silent writes nothing', () => {
    const out = capture();
    createLogger('silent', out.stream).error({ any: 'thing' }, 'dropped');
    expect(out.lines).toEqual([]);
  });
});

describe('the Fastify logger of gateway and subgraphs', () => {
  test('logs a GET request by its path: the document and variables in its query string stay out', async () => {
    const out = capture();
    const app = Fastify({
      logger: { ...logOptions('subgraph', 'info'), stream: out.stream } as never,
    });
    app.get('/graphql', async () => ({ data: null }));
    await app.inject({
      method: 'GET',
      url: `/graphql?query=${encodeURIComponent('{ customer { creditLimit } }')}&variables=${encodeURIComponent(JSON.stringify({ key: SECRET }))}`,
      headers: { 'x-api-key': SECRET },
    });
    await app.close();
    const incoming = out.lines.find((line) => line.msg === 'incoming request');
    expect(incoming?.req.url).toBe('/graphql');
    expect(out.text()).not.toContain(SECRET);
    expect(out.text()).not.toContain('creditLimit');
  });
});

/** A /graphql route that refuses like server.ts does before GraphQL: the governance chain throws, the refusal is the body. */
async function appWithRefusingRoute(onFinished: (request: FinishedRequest) => void) {
  const watch = watchRequests(onFinished);
  const app = Fastify();
  app.decorateRequest('correlationId', '');
  app.decorateRequest('gatewayContext', null);
  app.addHook('onRequest', async (request) => {
    request.correlationId = String(request.headers['x-correlation-id'] ?? 'generated');
  });
  app.post('/graphql', async (request, reply) => {
    const context: GatewayContext = {
      correlationId: request.correlationId,
      startedAt: 0,
      consumer: null,
      client: { name: 'portal', version: '2' },
      governance: {},
    };
    request.gatewayContext = context;
    context.consumer = { id: 'dev-web-store' } as never;
    const refusal = new GovernanceError(GovernanceCode.RATE_LIMITED, 'slow down', {
      status: 429,
      headers: { 'Retry-After': '3' },
    });
    return reply.code(refusal.status).headers(refusal.headers).send(refusal.toResponseBody());
  });
  app.get('/elsewhere', async () => ({ ok: true }));
  watch.attach(app);
  return app;
}

describe('watchRequests', () => {
  test('reports a request refused before GraphQL once, with the consumer identified so far, the claimed operation name and the refusal code', async () => {
    const finished: FinishedRequest[] = [];
    const app = await appWithRefusingRoute((request) => finished.push(request));
    await app.inject({
      method: 'POST',
      url: '/graphql',
      headers: { 'x-correlation-id': 'c-1' },
      payload: { query: '{ a }', operationName: 'Orders' },
    });
    await app.inject({ method: 'GET', url: '/elsewhere' });
    await app.close();
    expect(finished).toHaveLength(1);
    expect(finished[0]).toMatchObject({
      correlationId: 'c-1',
      consumer: 'dev-web-store',
      client: { name: 'portal', version: '2' },
      operationName: 'Orders',
      status: 429,
      outcome: 'rejected',
      errorCodes: ['RATE_LIMITED'],
    });
  });

  test('reports an HTTP error that never reached the handler (a body that is not JSON) with no consumer', async () => {
    const finished: FinishedRequest[] = [];
    const app = await appWithRefusingRoute((request) => finished.push(request));
    await app.inject({
      method: 'POST',
      url: '/graphql',
      headers: { 'content-type': 'application/json' },
      payload: '{not json',
    });
    await app.close();
    expect(finished).toHaveLength(1);
    expect(finished[0]).toMatchObject({
      consumer: null,
      operationName: null,
      status: 400,
      outcome: 'rejected',
    });
  });
});

describe('createRequestLogModule', () => {
  test('writes one "graphql request" line per request, at warn when the gateway failed', async () => {
    const out = capture();
    const module = createRequestLogModule({}, { logger: createLogger('info', out.stream) });
    const app = Fastify();
    app.decorateRequest('correlationId', 'c-9');
    app.decorateRequest('gatewayContext', null);
    app.post('/graphql', async (request, reply) => {
      request.gatewayContext = {
        correlationId: 'c-9',
        startedAt: 0,
        consumer: null,
        client: { name: null, version: null },
        governance: {},
      };
      return reply
        .code(503)
        .send({ errors: [{ message: 'store away', extensions: { code: 'SERVICE_UNAVAILABLE' } }] });
    });
    module.register(app);
    await app.inject({ method: 'POST', url: '/graphql', payload: {} });
    await app.close();
    expect(out.lines).toHaveLength(1);
    expect(out.lines[0]).toMatchObject({
      level: 40,
      msg: 'graphql request',
      correlationId: 'c-9',
      status: 503,
      errorCodes: ['SERVICE_UNAVAILABLE'],
    });
  });
});
