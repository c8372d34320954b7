/**
 * Rate and cost budgets shared by gateway replicas through the real Redis (REDIS_URL or
 * 127.0.0.1:6379), and operation limits, end to end: module instances on one store with a clock
 * the tests move, then the real gateway over HTTP.
 */
import { createHash, randomBytes } from 'node:crypto';
import path from 'node:path';
import Fastify from 'fastify';
import {
  createMemoryStore,
  createRedisStore,
  GovernanceError,
  type Consumer,
  type GatewayContext,
  type GovernanceModule,
  type GovernanceStore,
} from '@switchyard/gateway';
import { createGovernance } from '../gateway/src/governance';
import { loadGovernanceConfig } from '../gateway/src/governance/governance-config';
import { createOperationLimitsModule } from '../gateway/src/governance/limits/operation-limits';
import {
  createRateBudgetModule,
  type RateBudgetModule,
  type RateBudgetOptions,
} from '../gateway/src/governance/rate-budgets/rate-budget';
import { startGraph, type RunningGraph } from './testing/graph-harness';
import { governancePlugin } from '../gateway/src/governance/operation-plugin';
import { runSwitchyard } from '../registry/src/cli/switchyard-program';

const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const runPrefix = `switchyard-test:rate-${randomBytes(4).toString('hex')}:`;
const openStores: GovernanceStore[] = [];

async function redisStore(): Promise<GovernanceStore> {
  const store = createRedisStore({ url: redisUrl, keyPrefix: runPrefix });
  for (let i = 0; i < 50 && !store.healthy(); i++)
    await new Promise((resolve) => setTimeout(resolve, 20));
  if (!store.healthy()) throw new Error(`no Redis at ${redisUrl}`);
  openStores.push(store);
  return store;
}

afterAll(async () => {
  const [store] = openStores;
  if (store) for (const key of await store.keys('')) await store.delete(key);
  for (const open of openStores) await open.close();
});

function consumer(id: string, tier: string): Consumer {
  return {
    id,
    name: id,
    kind: 'internal',
    scopes: [],
    tenant: null,
    tier,
    persistedOperations: 'allow',
    contract: null,
    requireClientName: false,
    requireOperationName: false,
  };
}

/** A clock the test moves by hand. */
function testClock(iso: string) {
  let now = Date.parse(iso);
  return {
    now: () => now,
    set: (next: string) => (now = Date.parse(next)),
    advance: (ms: number) => (now += ms),
  };
}

function contextOf(who: Consumer, cost?: number): GatewayContext {
  return {
    correlationId: 'test',
    startedAt: 0,
    consumer: who,
    client: { name: null, version: null },
    governance: cost === undefined ? {} : { cost },
  };
}

/** One request's request-rate check, as the gateway runs it: the refusal, or null when admitted. */
async function request(
  module: RateBudgetModule,
  who: Consumer,
  responseHeaders: Record<string, string> = {},
): Promise<GovernanceError | null> {
  try {
    await module.onRequest!({
      method: 'POST',
      headers: {},
      body: {},
      context: contextOf(who),
      responseHeaders,
    });
    return null;
  } catch (error) {
    if (error instanceof GovernanceError) return error;
    throw error;
  }
}

/** One operation's cost charge, as Apollo Server runs it after didResolveOperation: the refusal response, or null. */
async function chargeCost(module: RateBudgetModule, who: Consumer, cost: number) {
  const listener = await governancePlugin([module])!.requestDidStart!({} as never);
  return (
    (await listener!.responseForOperation!({ contextValue: contextOf(who, cost) } as never)) ?? null
  );
}

describe('rate budgets on one Redis', () => {
  test('a requests budget holds in every one of several successive 1s windows, not only the first', async () => {
    const store = await redisStore();
    const clock = testClock('2026-11-01T10:00:00.250Z');
    const module = createRateBudgetModule(
      { tiers: { bronze: [{ window: '1s', requests: 5 }] }, leaseSize: 0.4 },
      { store, now: clock.now },
    );
    const who = consumer(`windows-${randomBytes(3).toString('hex')}`, 'bronze');
    for (let window = 0; window < 4; window++) {
      const outcomes = [];
      for (let i = 0; i < 8; i++) outcomes.push(await request(module, who));
      expect(outcomes.filter((refusal) => refusal === null)).toHaveLength(5);
      const refusal = outcomes.find(Boolean)!;
      expect(refusal.status).toBe(429);
      expect(refusal.headers['Retry-After']).toBe('1');
      expect(refusal.extensions).toMatchObject({
        code: 'RATE_LIMITED',
        window: '1s',
        limit: 5,
        retryAfter: 1,
      });
      clock.advance(1_000);
    }
  });

  test('two replicas sharing the store never admit more than the limit in total, and admit all but at most one chunk', async () => {
    const store = await redisStore();
    const clock = testClock('2026-11-01T10:00:00Z');
    const options: RateBudgetOptions = {
      tiers: { silver: [{ window: '1m', requests: 100 }] },
      leaseSize: 0.1,
    };
    const replicas = [
      createRateBudgetModule(options, { store, now: clock.now }),
      createRateBudgetModule(options, { store, now: clock.now }),
    ];
    const who = consumer(`replicas-${randomBytes(3).toString('hex')}`, 'silver');
    for (let minute = 0; minute < 3; minute++) {
      // 300 concurrent requests, alternating between the replicas.
      const outcomes = await Promise.all(
        Array.from({ length: 300 }, (_, i) => request(replicas[i % 2], who)),
      );
      const admitted = outcomes.filter((refusal) => refusal === null).length;
      expect(admitted).toBeLessThanOrEqual(100);
      expect(admitted).toBeGreaterThanOrEqual(100 - 10); // (replicas − 1) × chunk
      clock.advance(60_000);
    }
  });

  test('an operator’s reset on one replica opens the window there at once and on another once its recheck is due; leases never make it admit more than the limit after it', async () => {
    const store = await redisStore();
    const clock = testClock('2026-11-10T10:00:00Z');
    const options: RateBudgetOptions = {
      tiers: { silver: [{ window: 'month', cost: 100 }] },
      leaseSize: 0.1,
      exhaustedRecheckMs: 2_000,
    };
    const a = createRateBudgetModule(options, { store, now: clock.now });
    const b = createRateBudgetModule(options, { store, now: clock.now });
    const who = consumer(`reset-${randomBytes(3).toString('hex')}`, 'silver');
    const refused = async (module: RateBudgetModule) =>
      (await chargeCost(module, who, 10))?.http?.status === 429;
    expect(await chargeCost(a, who, 60)).toBeNull();
    expect(await chargeCost(b, who, 40)).toBeNull();
    expect(await refused(b)).toBe(true);
    expect(await refused(a)).toBe(true);

    const [rule] = a.rulesFor(who);
    expect(await a.adjust(who.id, rule, { kind: 'reset' })).toEqual({ before: 110, after: 0 });
    expect(await refused(a)).toBe(false); // the replica that reset: at once
    expect(await refused(b)).toBe(true); // the other saw the window exhausted a moment ago
    clock.advance(2_000);
    expect(await refused(b)).toBe(false);

    // Both spend what is left: the window admits its limit and no more.
    let admitted = 20;
    for (let round = 0; round < 30; round++) {
      for (const module of [a, b]) if (!(await refused(module))) admitted += 10;
      clock.advance(2_000);
    }
    expect(admitted).toBe(100);
  });

  test('a monthly cost budget is charged per operation cost, refused with 429 once spent, and renewed with the calendar month', async () => {
    const store = await redisStore();
    const clock = testClock('2026-11-30T23:59:00Z');
    const who = consumer(`cost-${randomBytes(3).toString('hex')}`, 'bronze');
    const module = createRateBudgetModule(
      {
        tiers: { bronze: [{ window: 'month', cost: 2_000_000 }] },
        consumers: { [who.id]: [{ window: 'month', cost: 100 }] },
      },
      { store, now: clock.now },
    );
    expect(await chargeCost(module, who, 60)).toBeNull();
    expect(await chargeCost(module, who, 30)).toBeNull();
    const refused = await chargeCost(module, who, 30);
    expect(refused?.http?.status).toBe(429);
    expect(refused?.http?.headers.get('retry-after')).toBe('60');
    const body = refused?.body.kind === 'single' ? refused.body.singleResult : null;
    expect(body?.errors?.[0].extensions).toMatchObject({
      code: 'RATE_LIMITED',
      window: 'month',
      measure: 'cost',
      limit: 100,
      retryAfter: 60,
    });
    expect(await chargeCost(module, who, 10)).toBeNull(); // what is left still serves a cheaper operation
    clock.set('2026-12-01T00:00:00Z');
    expect(await chargeCost(module, who, 90)).toBeNull();
  });

  test('the showback route reports each rule’s use of its current window', async () => {
    const store = await redisStore();
    const clock = testClock('2026-11-15T12:00:00.500Z');
    const who = consumer(`showback-${randomBytes(3).toString('hex')}`, 'gold');
    const module = createRateBudgetModule(
      {
        tiers: {
          gold: [
            { window: '1s', requests: 200 },
            { window: 'month', cost: 50_000 },
          ],
        },
        leaseSize: 0.005,
      },
      { store, now: clock.now, findConsumer: (id) => (id === who.id ? who : null) },
    );
    for (let i = 0; i < 3; i++) await request(module, who);
    await chargeCost(module, who, 1_000);
    const admin = Fastify();
    await admin.register(async (scope) => module.adminRoutes!(scope), { prefix: '/admin' });
    const response = await admin.inject({
      method: 'GET',
      url: `/admin/consumers/${who.id}/budget`,
    });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      consumer: who.id,
      tier: 'gold',
      rules: [
        {
          window: '1s',
          measure: 'requests',
          limit: 200,
          used: 3,
          remaining: 197,
          windowStart: '2026-11-15T12:00:00.000Z',
          windowEnd: '2026-11-15T12:00:01.000Z',
        },
        {
          window: 'month',
          measure: 'cost',
          limit: 50_000,
          used: 1_000,
          remaining: 49_000,
          windowStart: '2026-11-01T00:00:00.000Z',
          windowEnd: '2026-12-01T00:00:00.000Z',
        },
      ],
    });
    const unknown = await admin.inject({ method: 'GET', url: '/admin/consumers/nobody/budget' });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().errors[0].extensions.code).toBe('NOT_FOUND');
    await admin.close();
  });

  describe('while the store is unavailable', () => {
    // A store that says it is not connected (as the Redis store does while Redis is away) and fails if asked anyway.
    const down: GovernanceStore = {
      ...createMemoryStore(),
      healthy: () => false,
      increment: () => Promise.reject(new Error('Connection is closed.')),
    };
    const rules = { bronze: [{ window: '1h', requests: 3 }] };

    test('local: each replica enforces the full limit in its own memory', async () => {
      const module = createRateBudgetModule(
        { tiers: rules, onStoreUnavailable: 'local' },
        { store: down },
      );
      const outcomes = [];
      for (let i = 0; i < 5; i++) outcomes.push(await request(module, consumer('local', 'bronze')));
      expect(outcomes.map((refusal) => refusal?.extensions.code ?? 'admitted')).toEqual([
        'admitted',
        'admitted',
        'admitted',
        'RATE_LIMITED',
        'RATE_LIMITED',
      ]);
    });

    test('allow: everything is admitted', async () => {
      const module = createRateBudgetModule(
        { tiers: rules, onStoreUnavailable: 'allow' },
        { store: down },
      );
      for (let i = 0; i < 5; i++)
        expect(await request(module, consumer('allow', 'bronze'))).toBeNull();
    });

    test('deny: refused with 503 SERVICE_UNAVAILABLE, and told when it degrades', async () => {
      const failures: unknown[] = [];
      const module = createRateBudgetModule(
        { tiers: rules, onStoreUnavailable: 'deny' },
        { store: down, onStoreUnavailable: (error) => failures.push(error) },
      );
      const refusal = await request(module, consumer('deny', 'bronze'));
      expect(refusal?.status).toBe(503);
      expect(refusal?.extensions.code).toBe('SERVICE_UNAVAILABLE');
      expect(failures).toHaveLength(1);
    });
  });

  test('a rule with a bad window or no measure stops the module from being built, naming the rule', () => {
    const store = { healthy: () => true } as unknown as GovernanceStore;
    expect(() =>
      createRateBudgetModule({ tiers: { gold: [{ window: '1w', requests: 1 }] } }, { store }),
    ).toThrow(/rateBudgets\.tiers\.gold\[0\]: "1w" is not a rate window/);
    expect(() =>
      createRateBudgetModule({ tiers: { gold: [{ window: '1s' } as never] } }, { store }),
    ).toThrow(/rateBudgets\.tiers\.gold\[0\]: give exactly one of "requests" and "cost"/);
    expect(() => createRateBudgetModule({ tiers: {}, leaseSize: 0 }, { store })).toThrow(
      /leaseSize/,
    );
  });
});

describe('budgets and limits through the gateway over HTTP', () => {
  const consumers: Record<string, Consumer> = {
    flood: consumer('flood', 'bronze'),
    quota: consumer('quota', 'bronze'),
    nested: consumer('nested', 'bronze'),
    steady: consumer('steady', 'gold'),
  };
  /** Test-only identity: the consumer named by `x-test-consumer` (the identity module is tested on its own). */
  const testIdentity: GovernanceModule = {
    name: 'test-identity',
    onRequest({ headers, context }) {
      const id = headers['x-test-consumer'];
      context.consumer = typeof id === 'string' ? (consumers[id] ?? null) : null;
    },
  };
  // A fixed instant mid-hour: the windows cannot roll over during the test.
  const now = () => Date.parse('2026-11-15T12:30:00Z');
  let graph: RunningGraph;

  beforeAll(async () => {
    const store = await redisStore();
    graph = await startGraph({
      seedScale: 0.05,
      ungoverned: true, // rate budgets without field authorization
      governance: (supergraph) => [
        testIdentity,
        createRateBudgetModule(
          {
            tiers: {
              bronze: [{ window: '1h', requests: 4 }],
              gold: [{ window: '1h', requests: 1_000 }],
            },
            consumers: { quota: [{ window: 'month', cost: 10 }] },
          },
          { store, now },
        ),
        createOperationLimitsModule(
          {
            tiers: {
              bronze: { depth: 5, aliases: 5, rootFields: 3, tokens: 200, cost: 500 },
              gold: { depth: 15, cost: 50_000 },
            },
          },
          { supergraph },
        ),
      ],
    });
  });
  afterAll(() => graph?.close());

  const as = (id: string) => ({ 'x-test-consumer': id });
  const small = '{ orders(first: 1) { totalCount } }';

  test('a flood from one consumer gets 429 with Retry-After and RATE_LIMITED, and the others are unaffected', async () => {
    const statuses = [];
    for (let i = 0; i < 4; i++) {
      const response = await graph.query(small, {}, as('flood'));
      statuses.push(response.status);
      expect(response.headers.get('ratelimit-policy')).toBe(
        '"requests-1h";q=4;w=3600;qu="request"',
      );
      expect(response.headers.get('ratelimit')).toBe(`"requests-1h";r=${3 - i};t=1800`);
    }
    expect(statuses).toEqual([200, 200, 200, 200]);
    const refused = await graph.query(small, {}, as('flood'));
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('1800');
    expect(refused.headers.get('ratelimit')).toBe('"requests-1h";r=0;t=1800');
    expect(refused.body.errors?.[0].extensions).toMatchObject({
      code: 'RATE_LIMITED',
      window: '1h',
      limit: 4,
      retryAfter: 1800,
    });
    expect(JSON.stringify(refused.body)).not.toMatch(/stacktrace|\n\s+at /);

    const steady = await graph.query(small, {}, as('steady'));
    expect(steady.status).toBe(200);
    expect(steady.body.data.orders.totalCount).toBeGreaterThan(0);
  });

  test('a deeply nested document gets OPERATION_LIMIT_EXCEEDED for a bronze consumer, while a gold one runs it', async () => {
    const deep =
      '{ orders(first: 1) { edges { node { customer { orders(first: 1) { edges { node { number } } } } } } } }';
    const refused = await graph.query(deep, {}, as('nested'));
    expect(refused.status).toBe(400);
    expect(refused.body.errors?.[0].extensions).toMatchObject({
      code: 'OPERATION_LIMIT_EXCEEDED',
      limit: 'depth',
      max: 5,
      actual: 8,
    });
    expect(refused.body.errors?.[0].message).toMatch(
      /nested 8 fields deep; the limit of tier bronze is 5/,
    );

    const steady = await graph.query(deep, {}, as('steady'));
    expect(steady.status).toBe(200);
    expect(steady.body.data.orders.edges[0].node.customer.orders.edges).toHaveLength(1);
  });

  test('an oversized document is refused before parsing', async () => {
    const oversized = `{ ${Array.from({ length: 120 }, (_, i) => `f${i}: __typename`).join(' ')} }`;
    const gold = await graph.query(oversized, {}, as('steady'));
    expect(gold.status).toBe(200); // gold has no token limit
    const bronze = await graph.query(oversized, {}, as('nested'));
    expect(bronze.status).toBe(400);
    expect(bronze.body.errors?.[0].extensions).toMatchObject({
      code: 'OPERATION_LIMIT_EXCEEDED',
      limit: 'tokens',
      max: 200,
      actual: 362,
    });
  });

  test('a cost budget is charged the computed cost of each operation and refuses with 429 once spent', async () => {
    // orders 1 + edges 3 × (1 + node 1) = 7 of the quota's 10 per month.
    const priced = '{ orders(first: 3) { edges { node { number } } } }';
    expect((await graph.query(priced, {}, as('quota'))).status).toBe(200);
    const refused = await graph.query(priced, {}, as('quota'));
    expect(refused.status).toBe(429);
    expect(refused.body.errors?.[0].extensions).toMatchObject({
      code: 'RATE_LIMITED',
      window: 'month',
      measure: 'cost',
      limit: 10,
    });
    expect(Number(refused.headers.get('retry-after'))).toBe(
      (Date.parse('2026-12-01T00:00:00Z') - now()) / 1000,
    );
    // A cheaper operation still fits what is left.
    expect((await graph.query('{ orders(first: 1) { totalCount } }', {}, as('quota'))).status).toBe(
      200,
    );
  });
});

describe('cost budgets an operator can see, reset and top up, on the gateway governed by the development config', () => {
  const config = loadGovernanceConfig(
    path.resolve(__dirname, '..', 'gateway', 'governance.dev.yaml'),
  );
  const BUDGETED = 'test-budgeted';
  /** orders 1 + edges 3 × (1 + node 1) = 7 of the consumer's 20 a month. */
  const PRICED = '{ orders(first: 3) { edges { node { number } } } }';
  const ADMIN = { 'x-api-key': 'dev-platform-admin' };
  let graph: RunningGraph;
  const base = () => graph.gatewayUrl.replace(/\/graphql$/, '');
  const admin = async (method: 'GET' | 'POST', route: string, body?: unknown, headers = ADMIN) => {
    const response = await fetch(`${base()}/admin${route}`, {
      method,
      headers: {
        ...headers,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as any };
  };

  beforeAll(async () => {
    const store = await redisStore();
    const governed = {
      ...config,
      consumers: [
        ...config.consumers,
        {
          id: BUDGETED,
          name: BUDGETED,
          kind: 'internal' as const,
          apiKeys: [{ sha256: createHash('sha256').update(BUDGETED).digest('hex') }],
          scopes: ['orders:read'],
          tenant: null,
          tier: 'silver',
          persistedOperations: 'allow' as const,
          contract: null,
          requireClientName: false,
          requireOperationName: false,
        },
      ],
      rateBudgets: {
        ...config.rateBudgets,
        warnAt: 0.5,
        consumers: {
          ...config.rateBudgets?.consumers,
          [BUDGETED]: [{ window: 'month', cost: 20 }],
        },
      },
    };
    graph = await startGraph({
      seedScale: 0.05,
      governance: (supergraph) =>
        createGovernance(governed, { supergraph, store, logLevel: 'silent' }),
    });
  }, 120_000);
  afterAll(() => graph?.close());

  /** The body as any: the answers carry `extensions.cost`, which the harness's type does not name. */
  const priced = (): Promise<{ status: number; headers: Headers; body: any }> =>
    graph.query(PRICED, {}, { 'x-api-key': BUDGETED });

  test('each response shows its cost and what is left, in extensions.cost and the RateLimit headers; the refusal shows both too; a reset lets the consumer in again and is audited', async () => {
    const seen = [];
    for (let i = 0; i < 2; i++) {
      const response = await priced();
      expect(response.status).toBe(200);
      expect(response.body.extensions.cost).toMatchObject({
        requested: 7,
        budget: { window: 'month', limit: 20 },
      });
      seen.push(response.body.extensions.cost.budget.remaining);
      expect(response.headers.get('ratelimit-policy')).toMatch(
        /^"requests-1s";q=100;w=1;qu="request", "cost-month";q=20;w=(2419200|2505600|2592000|2678400);qu="cost"$/,
      );
      expect(response.headers.get('ratelimit')).toMatch(
        new RegExp(`^"requests-1s";r=\\d+;t=1, "cost-month";r=${seen[i]};t=\\d+$`),
      );
    }
    expect(seen).toEqual([13, 6]);

    const refused = await priced();
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(refused.headers.get('ratelimit')).toMatch(/"cost-month";r=6;t=\d+/);
    expect(refused.body.errors[0].extensions).toMatchObject({
      code: 'RATE_LIMITED',
      measure: 'cost',
      window: 'month',
      requested: 7,
      remaining: 6,
    });
    expect(refused.body.errors[0].message).toMatch(/costs 7 and 6 of the cost budget of 20/);
    expect(refused.body.extensions.cost).toMatchObject({ requested: 7, budget: { remaining: 6 } });

    // Crossing warnAt (0.5 of 20) was counted once, not once per request past it.
    const metrics = await fetch(`${base()}/metrics`, { headers: ADMIN }).then((r) => r.text());
    expect(metrics).toMatch(
      new RegExp(
        `switchyard_budget_warnings_total\\{consumer="${BUDGETED}",window="month"\\} 1\\n`,
      ),
    );

    const reset = await admin('POST', `/consumers/${BUDGETED}/budget/reset`, { window: 'month' });
    expect(reset.status).toBe(200);
    expect(reset.body).toMatchObject({
      action: 'budget.reset',
      consumer: BUDGETED,
      changes: [{ window: 'month', measure: 'cost', usedAfter: 0 }],
      rules: expect.arrayContaining([
        expect.objectContaining({
          window: 'month',
          measure: 'cost',
          limit: 20,
          used: 0,
          remaining: 20,
        }),
      ]),
    });
    const again = await priced();
    expect(again.status).toBe(200);
    expect(again.body.extensions.cost.budget.remaining).toBe(13);

    const audit = await admin('GET', `/audit?key=${BUDGETED}`);
    expect(audit.status).toBe(200);
    expect(audit.body.records[0]).toMatchObject({
      consumer: 'dev-platform-admin',
      operationName: 'budget.reset',
      keys: [BUDGETED],
      outcome: 'ok',
      details: { consumer: BUDGETED, changes: [{ window: 'month', usedAfter: 0 }] },
    });
  });

  test('a top-up adds to what is left of the window, is audited, and the CLI does the same through the admin API', async () => {
    const monthly = (body: { rules: { measure: string; remaining: number }[] }) =>
      body.rules.find((rule) => rule.measure === 'cost')!.remaining;
    const before = monthly((await admin('GET', `/consumers/${BUDGETED}/budget`)).body);
    const topUp = await admin('POST', `/consumers/${BUDGETED}/budget/top-up`, {
      window: 'month',
      amount: 100,
    });
    expect(topUp.status).toBe(200);
    expect(monthly(topUp.body)).toBe(before + 100);
    const after = await priced();
    expect(after.body.extensions.cost.budget.remaining).toBe(before + 100 - 7);
    const audit = await admin('GET', `/audit?key=${BUDGETED}`);
    expect(audit.body.records[0]).toMatchObject({
      operationName: 'budget.top-up',
      details: { changes: [{ window: 'month', measure: 'cost', amount: 100 }] },
    });

    const printed: string[] = [];
    const io = {
      env: { SWITCHYARD_URL: base(), SWITCHYARD_ADMIN_KEY: 'dev-platform-admin' },
      print: (line: string) => printed.push(line),
      printError: (line: string) => printed.push(line),
    };
    expect(await runSwitchyard(['budget', 'reset', '--consumer', BUDGETED], io)).toBe(0);
    expect(printed.join('\n')).toMatch(/budget\.reset test-budgeted cost per month: used \d+ → 0/);
    expect(await runSwitchyard(['budget', 'top-up', '--consumer', BUDGETED], io)).toBe(2);
    expect(
      await runSwitchyard(
        ['budget', 'top-up', '--consumer', 'nobody', '--window', 'month', '--amount', '5'],
        io,
      ),
    ).toBe(1);
  });

  test('only governance:admin may change a budget (403), an unknown consumer is 404, and a bad change 400 naming what is wrong', async () => {
    const forbidden = await admin(
      'POST',
      `/consumers/${BUDGETED}/budget/reset`,
      {},
      {
        'x-api-key': 'dev-web-store',
      },
    );
    expect(forbidden.status).toBe(403);
    expect(forbidden.body.errors[0].extensions.code).toBe('FORBIDDEN');
    const unknown = await admin('POST', '/consumers/nobody/budget/reset', {});
    expect(unknown.status).toBe(404);
    expect(unknown.body.errors[0].extensions.code).toBe('NOT_FOUND');
    for (const [body, argument] of [
      [{ window: 'month', amount: -5 }, 'amount'],
      [{ window: 'month', amount: 1.5 }, 'amount'],
      [{ window: 'week', amount: 5 }, 'window'],
      [{ amount: 5 }, 'window'],
      [{ window: 'month', amount: 5, extra: true }, 'extra'],
    ] as const) {
      const refused = await admin('POST', `/consumers/${BUDGETED}/budget/top-up`, body);
      expect(refused.status).toBe(400);
      expect(refused.body.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument });
    }
  });
});
