import Fastify from 'fastify';
import { composeSupergraph } from '../../supergraph-config';
import { SupergraphSource } from '../../supergraph-manager';
import { createMemoryStore } from '../store/memory-store';
import { createUsageModule } from './usage';
import type { UsageEvent } from './usage-aggregator';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const T = Date.parse('2026-11-20T10:30:00Z');

function setUp() {
  const clock = { now: T };
  const usage = createUsageModule(
    { flushIntervalMs: 0, retentionDays: 400 },
    {
      store: createMemoryStore(() => clock.now),
      now: () => clock.now,
      supergraph: new SupergraphSource(
        composeSupergraph([
          {
            name: 'orders',
            url: 'http://127.0.0.1:9/orders',
            sdl: 'type Query { orders: [Order!]! } type Order { id: ID! number: String total: Int }',
          },
        ]),
      ),
    },
  );
  const app = Fastify();
  usage.adminRoutes!(app);
  const event = (at: number, consumer: string, operationName: string, coordinates: string[]) =>
    usage.aggregator.record({
      at,
      consumer,
      clientName: 'c',
      clientVersion: '1',
      operationId: `id-${operationName}`,
      operationName,
      coordinates,
      errorCodes: {},
      stages: [],
      latencyMs: 3,
    } satisfies UsageEvent);
  const ask = (body: unknown) =>
    app.inject({ method: 'POST', url: '/usage/coordinates', payload: body as object });
  return { usage, app, event, ask };
}

describe('POST /usage/coordinates (the registry reads usage of many coordinates in one call)', () => {
  test('counts each consumer over its own window, per operation with requests and last seen, and says when usage was recorded', async () => {
    const { usage, app, event, ask } = setUp();
    event(T - 100 * DAY, 'partner', 'Quarterly', ['Order.total']);
    event(T - 40 * DAY, 'web', 'Cart', ['Order.total']);
    event(T - 2 * HOUR, 'web', 'Cart', ['Order.id', 'Order.total']);
    event(T - 2 * HOUR, 'web', 'Cart', ['Order.id', 'Order.total']);
    event(T, 'web', 'Numbers', ['Order.number']);
    await usage.aggregator.flush();

    const answer = await ask({
      coordinates: ['Order.total', 'Order.number', 'Order.id'],
      windows: { default: '30d', consumers: { partner: '400d' } },
    });
    expect(answer.statusCode).toBe(200);
    const body = answer.json();
    expect(body.retentionDays).toBe(400);
    expect(body.readAt).toBe(new Date(T).toISOString());
    // The module started recording in the bucket of T: the 400 days before hold no data.
    expect(body.recorded).toEqual([
      { from: '2026-11-20T10:00:00.000Z', to: '2026-11-20T10:30:00.000Z' },
    ]);
    const total = body.coordinates.find(
      (c: { coordinate: string }) => c.coordinate === 'Order.total',
    );
    expect(total.consumers).toEqual([
      {
        consumer: 'web',
        requests: 2,
        operations: [
          {
            operationId: 'id-Cart',
            operationName: 'Cart',
            requests: 2,
            lastSeen: '2026-11-20T09:00:00.000Z',
          },
        ],
      },
      {
        consumer: 'partner',
        requests: 1,
        operations: [
          {
            operationId: 'id-Quarterly',
            operationName: 'Quarterly',
            requests: 1,
            lastSeen: new Date(Math.floor((T - 100 * DAY) / HOUR) * HOUR + HOUR).toISOString(),
          },
        ],
      },
    ]);
    expect(body.coordinates.map((c: { coordinate: string }) => c.coordinate)).toEqual([
      'Order.id',
      'Order.number',
      'Order.total',
    ]);
    await app.close();
    await usage.close();
  });

  test('refuses a body that is not coordinates and duration windows with 400 BAD_USER_INPUT', async () => {
    const { usage, app, ask } = setUp();
    for (const body of [
      { coordinates: ['not a coordinate'], windows: { default: '30d' } },
      { coordinates: 'Order.total', windows: { default: '30d' } },
      { coordinates: ['Order.total'], windows: { default: 'forever' } },
      { coordinates: ['Order.total'], windows: { default: '30d', consumers: { x: '99999d' } } },
      { coordinates: ['Order.total'] },
    ]) {
      const answer = await ask(body);
      expect([answer.statusCode, answer.json().errors[0].extensions.code]).toEqual([
        400,
        'BAD_USER_INPUT',
      ]);
    }
    await app.close();
    await usage.close();
  });
});
