import { buildSchema } from 'graphql';
import type { GatewayContext } from '../../context';
import type { Consumer, PersistedOperationsMode } from '../consumer';
import type { GovernedRequest, GraphQLRequestBody } from '../module';
import { operationId } from './operation-manifest';
import {
  createPersistedOperationsModule,
  type PersistedOperationsModule,
  type PersistedOperationsOptions,
} from './persisted-operations';
import { createMemoryStore } from '../store/memory-store';
import type { GovernanceStore } from '../store/governance-store';
import { governancePlugin } from '../operation-plugin';

const API = buildSchema(`
  type Order { id: ID! status: String! }
  type Query { order(id: ID!): Order orders: [Order!]! }
`);
const ORDER = 'query Order($id: ID!) { order(id: $id) { id status } }';
const ORDERS = 'query Orders { orders { id } }';
const HOUR = 3_600_000;

const consumers: Record<string, Consumer> = Object.fromEntries(
  (
    [
      ['partner', 'persisted-only'],
      ['portal', 'allow'],
      ['store', 'audit'],
    ] as [string, PersistedOperationsMode][]
  ).map(([id, mode]) => [
    id,
    {
      id,
      name: id,
      kind: 'distributor',
      scopes: [],
      tenant: null,
      tier: 'bronze',
      persistedOperations: mode,
      contract: null,
      requireClientName: false,
      requireOperationName: false,
    },
  ]),
);

let clock = Date.parse('2026-11-01T00:00:00Z');
const now = () => clock;
const modules: PersistedOperationsModule[] = [];

function moduleOn(store: GovernanceStore, options: PersistedOperationsOptions = {}) {
  const module = createPersistedOperationsModule(
    { unknownOperationsFlushIntervalMs: 3_600_000, ...options },
    {
      store,
      supergraph: { apiSchema: () => API },
      contractSchema: () => API,
      consumer: (id) => consumers[id] ?? null,
      requirements: () => null,
      now,
    },
  );
  modules.push(module);
  return module;
}

function requestOf(consumer: string | null, body: unknown, method = 'POST'): GovernedRequest {
  const context: GatewayContext = {
    correlationId: 'test',
    startedAt: 0,
    consumer: consumer ? consumers[consumer] : null,
    client: { name: null, version: null },
    governance: {},
  };
  return { method, headers: {}, body: body as GraphQLRequestBody, context, responseHeaders: {} };
}

async function registered(store: GovernanceStore, consumer: string, ...bodies: [string, string][]) {
  const module = moduleOn(store);
  const result = await module.registry.register(consumers[consumer], {
    format: 'apollo-persisted-query-manifest',
    version: 1,
    operations: bodies.map(([name, body]) => ({
      id: operationId(body),
      name,
      type: 'query',
      body,
    })),
  });
  expect(result.ok).toBe(true);
  return module;
}

/** One request's persisted-operations step, as a promise (the step refuses synchronously when no store is asked). */
const stepOf = async (
  module: PersistedOperationsModule,
  consumer: string,
  body: unknown,
  method = 'POST',
) => module.onRequest!(requestOf(consumer, body, method));

/** Runs the module's didResolveOperation hook as Apollo Server does once the document resolved. */
async function resolved(
  module: PersistedOperationsModule,
  request: GovernedRequest,
  operationName: string | null,
) {
  const listener = await governancePlugin([module])!.requestDidStart!({} as never);
  const query = request.body.query!;
  await listener!.didResolveOperation!({
    contextValue: request.context,
    queryHash: operationId(query),
    operationName,
  } as never);
}

/** Runs the module's executionDidStart hook as Apollo Server does once every check passed; what the hook returned. */
async function executes(module: PersistedOperationsModule, request: GovernedRequest) {
  const listener = await governancePlugin([module])!.requestDidStart!({} as never);
  return listener!.executionDidStart!({ contextValue: request.context } as never);
}

afterEach(async () => {
  for (const module of modules.splice(0)) await module.close();
});

describe('persisted-only consumers', () => {
  test('a registered id, in any of its forms, runs the registered text and nothing of the persisted forms reaches Apollo Server', async () => {
    const module = await registered(createMemoryStore(now), 'partner', ['Order', ORDER]);
    const id = operationId(ORDER);
    for (const body of [
      { documentId: id },
      { documentId: `sha256:${id}` },
      { id },
      { extensions: { persistedQuery: { version: 1, sha256Hash: id }, tracing: true } },
    ]) {
      const request = requestOf('partner', { ...body, variables: { id: 'ORD-1' } });
      await module.onRequest!(request);
      expect(request.body).toEqual({
        query: ORDER,
        variables: { id: 'ORD-1' },
        ...('extensions' in body ? { extensions: { tracing: true } } : {}),
      });
      expect(request.context.governance).toEqual({
        persistedOperationId: id,
        persistedOperationSource: 'manifest',
      });
    }
  });

  test('a free-form document is refused with PERSISTED_QUERY_REQUIRED (400), even one that is registered', async () => {
    const module = await registered(createMemoryStore(now), 'partner', ['Order', ORDER]);
    for (const body of [
      { query: ORDER },
      { query: ORDERS },
      {},
      [{ documentId: operationId(ORDER) }],
    ]) {
      await expect(stepOf(module, 'partner', body)).rejects.toMatchObject({
        status: 400,
        extensions: { code: 'PERSISTED_QUERY_REQUIRED' },
      });
    }
  });

  test('an unknown id is PERSISTED_QUERY_NOT_FOUND (404), and APQ cannot register one', async () => {
    const store = createMemoryStore(now);
    const module = await registered(store, 'partner', ['Order', ORDER]);
    const unknownId = operationId(ORDERS);
    await expect(stepOf(module, 'partner', { documentId: unknownId })).rejects.toMatchObject({
      status: 404,
      extensions: { code: 'PERSISTED_QUERY_NOT_FOUND', id: unknownId },
    });
    const apq = {
      query: ORDERS,
      extensions: { persistedQuery: { version: 1, sha256Hash: unknownId } },
    };
    await expect(stepOf(module, 'partner', apq)).rejects.toMatchObject({
      status: 404,
      extensions: { code: 'PERSISTED_QUERY_NOT_FOUND' },
    });
    expect(await store.get(`apq:${unknownId}`)).toBeNull();
    // Registered for another consumer is not registered for this one.
    await registered(store, 'portal', ['Orders', ORDERS]);
    await expect(stepOf(module, 'partner', { documentId: unknownId })).rejects.toMatchObject({
      extensions: { code: 'PERSISTED_QUERY_NOT_FOUND' },
    });
  });

  test('a store that does not answer is STORE_UNAVAILABLE (503), not an internal error', async () => {
    const store = createMemoryStore(now);
    const module = moduleOn({
      ...store,
      get: async () => Promise.reject(new Error('connection lost')),
    });
    await expect(
      stepOf(module, 'partner', { documentId: operationId(ORDER) }),
    ).rejects.toMatchObject({ status: 503, extensions: { code: 'STORE_UNAVAILABLE' } });
  });
});

describe('allow and APQ', () => {
  test('a free-form document from an allow consumer passes untouched', async () => {
    const module = moduleOn(createMemoryStore(now));
    const request = requestOf('portal', { query: ORDERS, operationName: 'Orders' });
    await module.onRequest!(request);
    expect(request.body).toEqual({ query: ORDERS, operationName: 'Orders' });
    expect(request.context.governance).toEqual({});
  });

  test('APQ: an unknown hash is PERSISTED_QUERY_NOT_FOUND with status 200; hash and text register it for every replica for 24 hours', async () => {
    const store = createMemoryStore(now);
    const first = moduleOn(store);
    const hash = operationId(ORDERS);
    const hashOnly = () => ({ extensions: { persistedQuery: { version: 1, sha256Hash: hash } } });
    await expect(stepOf(first, 'portal', hashOnly())).rejects.toMatchObject({
      status: 200,
      extensions: { code: 'PERSISTED_QUERY_NOT_FOUND' },
    });

    const registering = requestOf('portal', { query: ORDERS, ...hashOnly() });
    await first.onRequest!(registering);
    expect(registering.body).toEqual({ query: ORDERS, extensions: {} });
    expect(registering.context.governance).toMatchObject({
      persistedOperationId: hash,
      persistedOperationSource: 'apq',
    });
    // Not yet stored: only once the operation passed every check and runs.
    await expect(stepOf(moduleOn(store), 'portal', hashOnly())).rejects.toMatchObject({
      extensions: { code: 'PERSISTED_QUERY_NOT_FOUND' },
    });
    await executes(first, registering);
    await first.flush();

    const replica = moduleOn(store);
    const served = requestOf('store', hashOnly());
    await replica.onRequest!(served);
    expect(served.body.query).toBe(ORDERS);

    clock += 24 * HOUR + 1;
    await expect(stepOf(moduleOn(store), 'portal', hashOnly())).rejects.toMatchObject({
      extensions: { code: 'PERSISTED_QUERY_NOT_FOUND' },
    });
  });

  test('while the store is away APQ keeps working for allow and audit consumers: hash and text run, a hash alone misses so the client resends the text', async () => {
    const store = createMemoryStore(now);
    const down = new Error('connection lost');
    const failures: unknown[] = [];
    const module = createPersistedOperationsModule(
      { unknownOperationsFlushIntervalMs: 3_600_000 },
      {
        store: { ...store, get: () => Promise.reject(down), set: () => Promise.reject(down) },
        supergraph: { apiSchema: () => API },
        contractSchema: () => API,
        consumer: (id) => consumers[id] ?? null,
        requirements: () => null,
        now,
        onStoreError: (error) => failures.push(error),
      },
    );
    modules.push(module);
    const apq = { extensions: { persistedQuery: { version: 1, sha256Hash: operationId(ORDERS) } } };
    const withText = requestOf('store', { query: ORDERS, ...apq });
    await module.onRequest!(withText);
    expect(withText.body.query).toBe(ORDERS);
    await executes(module, withText);
    await module.flush();
    await expect(
      stepOf(module, 'portal', {
        extensions: { persistedQuery: { version: 1, sha256Hash: operationId(ORDER) } },
      }),
    ).rejects.toMatchObject({ status: 200, extensions: { code: 'PERSISTED_QUERY_NOT_FOUND' } });
    expect(failures.length).toBeGreaterThan(0);
    // A trusted-document id only the manifest can answer, and any id of a persisted-only consumer, stay 503.
    await expect(
      stepOf(module, 'portal', { documentId: operationId(ORDER) }),
    ).rejects.toMatchObject({ status: 503, extensions: { code: 'STORE_UNAVAILABLE' } });
    await expect(stepOf(module, 'partner', apq)).rejects.toMatchObject({
      status: 503,
      extensions: { code: 'STORE_UNAVAILABLE' },
    });
  });

  test('a document sent with its hash is not stored when its operation does not run (refused by a later check, or fields removed by field authorization)', async () => {
    const store = createMemoryStore(now);
    const module = moduleOn(store);
    const apqOf = (query: string) => ({
      query,
      extensions: { persistedQuery: { version: 1, sha256Hash: operationId(query) } },
    });
    // Refused after this module (validation, contract, limits, rate budgets): execution never starts.
    await module.onRequest!(requestOf('portal', apqOf(ORDERS)));
    // Ran with fields removed by field authorization.
    const filtered = requestOf('portal', apqOf(ORDER));
    await module.onRequest!(filtered);
    filtered.context.governance.fieldAuthorization = {} as never;
    await executes(module, filtered);
    await module.flush();
    expect(await store.keys('apq:')).toEqual([]);
    for (const query of [ORDERS, ORDER]) {
      await expect(
        stepOf(module, 'portal', { extensions: apqOf(query).extensions }),
      ).rejects.toMatchObject({ extensions: { code: 'PERSISTED_QUERY_NOT_FOUND' } });
    }
  });

  test('the store write is off the request path: a store that hangs or throws neither delays nor fails the request, and each outcome is counted', async () => {
    const store = createMemoryStore(now);
    const outcomes: string[] = [];
    const errors: unknown[] = [];
    let release: () => void = () => {};
    let mode: 'hang' | 'throw' = 'hang';
    const module = createPersistedOperationsModule(
      { unknownOperationsFlushIntervalMs: 3_600_000, apqWriteQueueSize: 2 },
      {
        store: {
          ...store,
          set: (...args) =>
            mode === 'throw'
              ? Promise.reject(new Error('store down'))
              : new Promise<void>((resolve) => (release = resolve)).then(() => store.set(...args)),
        },
        supergraph: { apiSchema: () => API },
        contractSchema: () => API,
        consumer: (id) => consumers[id] ?? null,
        requirements: () => null,
        now,
        onStoreError: (error) => errors.push(error),
        onApqWrite: (outcome) => outcomes.push(outcome),
      },
    );
    modules.push(module);
    const texts = ['a', 'b', 'c', 'd'].map((field) => `{ ${field}: orders { id } }`);
    for (const text of texts) {
      const request = requestOf('portal', {
        query: text,
        extensions: { persistedQuery: { version: 1, sha256Hash: operationId(text) } },
      });
      await module.onRequest!(request);
      // Returns at once, whatever the store does.
      expect(await executes(module, request)).toBeUndefined();
    }
    // Two wait for the store, the others found the queue full.
    expect(outcomes).toEqual(['dropped', 'dropped']);
    // This replica serves the hash from memory meanwhile.
    const hot = requestOf('portal', {
      extensions: { persistedQuery: { version: 1, sha256Hash: operationId(texts[0]) } },
    });
    await module.onRequest!(hot);
    expect(hot.body.query).toBe(texts[0]);

    for (let i = 0; i < 10 && outcomes.length < 4; i++) {
      release();
      await new Promise((resolve) => setImmediate(resolve));
    }
    await module.flush();
    expect(outcomes).toEqual(['dropped', 'dropped', 'stored', 'stored']);
    expect((await store.keys('apq:')).length).toBe(2);

    mode = 'throw';
    const failing = requestOf('portal', {
      query: ORDER,
      extensions: { persistedQuery: { version: 1, sha256Hash: operationId(ORDER) } },
    });
    await module.onRequest!(failing);
    expect(await executes(module, failing)).toBeUndefined();
    await module.flush();
    expect(outcomes.at(-1)).toBe('failed');
    expect(errors).toEqual([new Error('store down')]);
  });

  test('a hash that is not the sha-256 of the query is PERSISTED_QUERY_HASH_MISMATCH (400), and nothing is stored', async () => {
    const store = createMemoryStore(now);
    const module = moduleOn(store);
    const wrong = operationId(ORDER);
    const body = {
      query: ORDERS,
      extensions: { persistedQuery: { version: 1, sha256Hash: wrong } },
    };
    await expect(stepOf(module, 'portal', body)).rejects.toMatchObject({
      status: 400,
      extensions: { code: 'PERSISTED_QUERY_HASH_MISMATCH', id: wrong },
    });
    await expect(
      stepOf(module, 'portal', { query: ORDERS, documentId: wrong }),
    ).rejects.toMatchObject({ extensions: { code: 'PERSISTED_QUERY_HASH_MISMATCH' } });
    expect(await store.keys('apq:')).toEqual([]);
  });

  test('a GET request carries extensions as a JSON string: parsed, and its hash served', async () => {
    const store = createMemoryStore(now);
    const module = moduleOn(store);
    await store.set(`apq:${operationId(ORDERS)}`, ORDERS);
    const request = requestOf(
      'portal',
      {
        extensions: JSON.stringify({
          persistedQuery: { version: 1, sha256Hash: operationId(ORDERS) },
        }),
      },
      'GET',
    );
    await module.onRequest!(request);
    expect(request.body).toEqual({ query: ORDERS, extensions: {} });

    await expect(
      stepOf(module, 'portal', { extensions: '{"persistedQuery":' }, 'GET'),
    ).rejects.toMatchObject({ status: 400, extensions: { code: 'BAD_REQUEST' } });
  });

  test('with APQ off a hash that is not registered is PERSISTED_QUERY_NOT_SUPPORTED, so clients send text', async () => {
    const module = moduleOn(createMemoryStore(now), { apq: false });
    const body = {
      query: ORDERS,
      extensions: { persistedQuery: { version: 1, sha256Hash: operationId(ORDERS) } },
    };
    await expect(stepOf(module, 'portal', body)).rejects.toMatchObject({
      extensions: { code: 'PERSISTED_QUERY_NOT_SUPPORTED' },
    });
  });

  test('a persisted query version other than 1 is refused as BAD_REQUEST', async () => {
    const module = moduleOn(createMemoryStore(now));
    const body = {
      query: ORDERS,
      extensions: { persistedQuery: { version: 2, sha256Hash: operationId(ORDERS) } },
    };
    await expect(stepOf(module, 'portal', body)).rejects.toMatchObject({
      status: 400,
      extensions: { code: 'BAD_REQUEST' },
    });
    // The string "1" is not the version 1, and the message says which was sent.
    const asString = {
      query: ORDERS,
      extensions: { persistedQuery: { version: '1', sha256Hash: operationId(ORDERS) } },
    };
    await expect(stepOf(module, 'portal', asString)).rejects.toMatchObject({
      status: 400,
      message: 'Unsupported persisted query version "1": only version 1 (the number) exists',
    });
  });
});

describe('audit mode', () => {
  test('records each unregistered operation with its name, hash, first and last seen and count, and not the registered ones', async () => {
    const store = createMemoryStore(now);
    const module = await registered(store, 'store', ['Order', ORDER]);
    const start = clock;
    for (const query of [ORDERS, ORDER, ORDERS]) {
      const request = requestOf('store', { query });
      await module.onRequest!(request);
      await resolved(module, request, query === ORDERS ? 'Orders' : 'Order');
      clock += 1000;
    }
    // Run by id: registered, not recorded either.
    const byId = requestOf('store', { documentId: operationId(ORDER) });
    await module.onRequest!(byId);
    await resolved(module, byId, 'Order');
    // An allow consumer's operations are not recorded.
    await resolved(module, requestOf('portal', { query: ORDERS }), 'Orders');

    const expected = {
      consumer: 'store',
      id: operationId(ORDERS),
      name: 'Orders',
      firstSeen: new Date(start).toISOString(),
      lastSeen: new Date(start + 2000).toISOString(),
      count: 2,
    };
    expect(await module.unknownOperations('store')).toEqual([expected]);

    // Another replica adds its own sightings to the same record.
    const replica = moduleOn(store);
    const again = requestOf('store', { query: ORDERS });
    await replica.onRequest!(again);
    await resolved(replica, again, 'Orders');
    expect(await replica.unknownOperations()).toEqual([
      { ...expected, lastSeen: new Date(clock).toISOString(), count: 3 },
    ]);
  });

  test('sightings the store refused are kept and written by a later flush', async () => {
    const store = createMemoryStore(now);
    let down = true;
    const flaky: GovernanceStore = {
      ...store,
      set: (...args) => (down ? Promise.reject(new Error('down')) : store.set(...args)),
    };
    const module = moduleOn(flaky);
    const request = requestOf('store', { query: ORDERS });
    await resolved(module, request, 'Orders');
    const failing = module.flush();
    // Seen again while the failing flush is under way: both sightings must survive it.
    await resolved(module, request, 'Orders');
    await expect(failing).rejects.toThrow('down');
    await resolved(module, request, 'Orders');
    down = false;
    await module.flush();
    expect(await moduleOn(store).unknownOperations('store')).toMatchObject([
      { id: operationId(ORDERS), count: 3 },
    ]);
  });

  test('an unknown operation is forgotten once its retention has passed since it was first seen', async () => {
    const store = createMemoryStore(now);
    const module = moduleOn(store, { unknownOperationsRetentionDays: 1 });
    await resolved(module, requestOf('store', { query: ORDERS }), 'Orders');
    await module.flush();
    clock += 25 * HOUR;
    expect(await module.unknownOperations('store')).toEqual([]);
    await resolved(module, requestOf('store', { query: ORDERS }), 'Orders');
    expect(await module.unknownOperations('store')).toMatchObject([
      { count: 1, firstSeen: new Date(clock).toISOString() },
    ]);
  });
});
