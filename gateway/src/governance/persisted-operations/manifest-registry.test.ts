import { buildSchema } from 'graphql';
import type { Consumer } from '../consumer';
import { ManifestRegistry } from './manifest-registry';
import { operationId } from './operation-manifest';
import { createMemoryStore } from '../store/memory-store';
import type { GovernanceStore } from '../store/governance-store';

const API = buildSchema(`
  type Customer { id: ID! name: String! creditLimit: Int }
  type Order { id: ID! status: String! customer: Customer }
  type Query { order(id: ID!): Order customer(id: ID!): Customer }
  type Mutation { releaseHold(orderId: ID!): Order }
`);
/** The partner contract: no credit limit. */
const PARTNER = buildSchema(`
  type Customer { id: ID! name: String! }
  type Order { id: ID! status: String! customer: Customer }
  type Query { order(id: ID!): Order customer(id: ID!): Customer }
`);

const consumer = (id: string, contract: string | null = null): Consumer => ({
  id,
  name: id,
  kind: 'distributor',
  scopes: [],
  tenant: null,
  tier: 'bronze',
  persistedOperations: 'persisted-only',
  contract,
  requireClientName: false,
  requireOperationName: false,
});
const entry = (body: string, name: string, type = 'query') => ({
  id: operationId(body),
  name,
  type,
  body,
});
const manifest = (...operations: unknown[]) => ({
  format: 'apollo-persisted-query-manifest',
  version: 1,
  operations,
});

const ORDER =
  'query Order($id: ID!) { order(id: $id) { id status customer { ...Who } } } fragment Who on Customer { name }';
const CREDIT = 'query Credit($id: ID!) { customer(id: $id) { creditLimit } }';
const RELEASE = 'mutation Release($id: ID!) { releaseHold(orderId: $id) { id status } }';

function registryOn(store: GovernanceStore, now = () => Date.parse('2026-11-01T00:00:00Z')) {
  return new ManifestRegistry(
    {},
    {
      store,
      supergraph: { apiSchema: () => API },
      contractSchema: () => PARTNER,
      requirements: () => null,
      now,
    },
  );
}

describe('manifest registry', () => {
  test('registers every operation of a valid manifest and lists them by name, without bodies', async () => {
    const registry = registryOn(createMemoryStore());
    const result = await registry.register(
      consumer('acme'),
      manifest(entry(RELEASE, 'Release', 'mutation'), entry(ORDER, 'Order')),
    );
    expect(result).toEqual({ ok: true, received: 2, added: 2, unchanged: 0, total: 2 });
    expect(await registry.list('acme')).toEqual([
      {
        id: operationId(ORDER),
        name: 'Order',
        type: 'query',
        registeredAt: '2026-11-01T00:00:00.000Z',
      },
      {
        id: operationId(RELEASE),
        name: 'Release',
        type: 'mutation',
        registeredAt: '2026-11-01T00:00:00.000Z',
      },
    ]);
    expect(await registry.list('someone-else')).toEqual([]);
  });

  test('registering again adds new operations and keeps the ones already there', async () => {
    const registry = registryOn(createMemoryStore());
    await registry.register(consumer('acme'), manifest(entry(ORDER, 'Order')));
    expect(
      await registry.register(
        consumer('acme'),
        manifest(entry(ORDER, 'Order'), entry(RELEASE, 'Release', 'mutation')),
      ),
    ).toEqual({ ok: true, received: 2, added: 1, unchanged: 1, total: 2 });
  });

  test('refuses the whole manifest with a reason per invalid operation: parse error, unknown field, wrong name or type', async () => {
    const broken = 'query Broken { order(id: "1") { id';
    const unknown = 'query Unknown { order(id: "1") { id colour } }';
    const store = createMemoryStore();
    const registry = registryOn(store);
    const result = await registry.register(
      consumer('acme'),
      manifest(
        entry(ORDER, 'Order'),
        entry(broken, 'Broken'),
        entry(unknown, 'Unknown'),
        entry('query Named { order(id: "1") { id } }', 'Misnamed', 'mutation'),
        entry('query A { order(id: "1") { id } } query B { order(id: "2") { id } }', 'A'),
      ),
    );
    expect(result.ok).toBe(false);
    expect(
      !result.ok &&
        result.reasons.map((r) => [
          r.operation?.index,
          r.operation?.name,
          r.code,
          r.message,
          r.locations,
        ]),
    ).toEqual([
      [
        1,
        'Broken',
        'GRAPHQL_PARSE_FAILED',
        'Syntax Error: Expected Name, found <EOF>.',
        [{ line: 1, column: broken.length + 1 }],
      ],
      [
        2,
        'Unknown',
        'GRAPHQL_VALIDATION_FAILED',
        'Cannot query field "colour" on type "Order".',
        [{ line: 1, column: unknown.indexOf('colour') + 1 }],
      ],
      [
        3,
        'Misnamed',
        'OPERATION_MISMATCH',
        'the entry is named "Misnamed" but its operation is named "Named"',
        undefined,
      ],
      [
        3,
        'Misnamed',
        'OPERATION_MISMATCH',
        "the entry's type is mutation but its operation is a query",
        undefined,
      ],
      [
        4,
        'A',
        'OPERATION_MISMATCH',
        'the body holds 2 operations; a manifest entry is exactly one (with the fragments it uses)',
        undefined,
      ],
    ]);
    // Nothing of it was kept, not even the valid operation.
    expect(await store.keys('pq:')).toEqual([]);
    expect(await registry.operation('acme', operationId(ORDER))).toBeNull();
  });

  test("checks a consumer with a contract against the contract's schema as well", async () => {
    const registry = registryOn(createMemoryStore());
    expect(
      (await registry.register(consumer('internal-app'), manifest(entry(CREDIT, 'Credit')))).ok,
    ).toBe(true);
    const result = await registry.register(
      consumer('acme', 'partner'),
      manifest(entry(ORDER, 'Order'), entry(CREDIT, 'Credit')),
    );
    expect(!result.ok && result.reasons).toEqual([
      {
        code: 'NOT_IN_CONTRACT',
        message:
          'not in the "partner" contract: Cannot query field "creditLimit" on type "Customer".',
        operation: { index: 1, id: operationId(CREDIT), name: 'Credit' },
        locations: [{ line: 1, column: CREDIT.indexOf('creditLimit') + 1 }],
      },
    ]);
  });

  test('a contract that exposes nothing refuses every operation of the manifest with NOT_IN_CONTRACT', async () => {
    const registry = new ManifestRegistry(
      {},
      {
        store: createMemoryStore(),
        supergraph: { apiSchema: () => API },
        contractSchema: () => null,
        requirements: () => null,
      },
    );
    const result = await registry.register(
      consumer('acme', 'closed'),
      manifest(entry(ORDER, 'Order')),
    );
    expect(!result.ok && result.reasons).toEqual([
      {
        code: 'NOT_IN_CONTRACT',
        message: 'the "closed" contract exposes no fields, so no operation fits it',
        operation: { index: 0, id: operationId(ORDER), name: 'Order' },
      },
    ]);
  });

  test('an operation needing a scope its consumer does not hold is refused with SCOPES_NOT_HELD (it could never run it); with the scope it registers, and its body is listed', async () => {
    const registryWith = (scopes: string[]) => {
      const store = createMemoryStore();
      const registry = new ManifestRegistry(
        {},
        {
          store,
          supergraph: { apiSchema: () => API },
          contractSchema: () => API,
          requirements: () => ({
            fields: new Map([
              ['Customer.creditLimit', { authenticated: false, requiresScopes: [['credit:read']] }],
            ]),
            types: new Map(),
          }),
        },
      );
      return { registry, who: { ...consumer('acme'), contract: null, scopes } };
    };
    const without = registryWith(['orders:read']);
    const refused = await without.registry.register(
      without.who,
      manifest(entry(ORDER, 'Order'), entry(CREDIT, 'Credit')),
    );
    expect(!refused.ok && refused.reasons).toEqual([
      {
        code: 'SCOPES_NOT_HELD',
        message:
          'Customer.creditLimit needs @requiresScopes(scopes: [["credit:read"]]), which consumer "acme" does not hold: it could never run this operation',
        operation: { index: 1, id: operationId(CREDIT), name: 'Credit' },
      },
    ]);
    expect(await without.registry.list('acme')).toEqual([]);

    const holding = registryWith(['credit:read']);
    const accepted = await holding.registry.register(
      holding.who,
      manifest(entry(CREDIT, 'Credit')),
    );
    expect(accepted.ok).toBe(true);
    expect(await holding.registry.documents('acme')).toEqual([
      expect.objectContaining({ id: operationId(CREDIT), name: 'Credit', body: CREDIT }),
    ]);
  });

  test('another replica on the same store serves a registered operation, parsed once however many requests ask', async () => {
    const store = createMemoryStore();
    await registryOn(store).register(consumer('acme'), manifest(entry(ORDER, 'Order')));

    let reads = 0;
    const counted: GovernanceStore = { ...store, get: (key) => (reads++, store.get(key)) };
    const replica = registryOn(counted);
    const answers = await Promise.all(
      [1, 2, 3].map(() => replica.operation('acme', operationId(ORDER))),
    );
    await replica.operation('acme', operationId(ORDER));
    expect(reads).toBe(1);
    expect(answers[0]).toMatchObject({ id: operationId(ORDER), name: 'Order', body: ORDER });
    expect(answers[0]!.document.definitions).toHaveLength(2);
    expect(answers[1]).toBe(answers[0]);
    // Registered for acme only.
    expect(await replica.operation('other', operationId(ORDER))).toBeNull();
  });
});

test('a refusal gives the reasons of malformed entries and of invalid documents together, in manifest order', async () => {
  const unknown = 'query Unknown { order(id: "1") { colour } }';
  const result = await registryOn(createMemoryStore()).register(
    consumer('acme'),
    manifest(entry(unknown, 'Unknown'), { ...entry(ORDER, 'Order'), body: `${ORDER} ` }),
  );
  expect(!result.ok && result.reasons.map((r) => [r.operation?.index, r.code])).toEqual([
    [0, 'GRAPHQL_VALIDATION_FAILED'],
    [1, 'OPERATION_ID_MISMATCH'],
  ]);
});

describe('restoring what the store lost', () => {
  test('the operations this replica holds and the store lost are written back as registered; others are not invented', async () => {
    const store = createMemoryStore();
    const registry = registryOn(store);
    await registry.register(consumer('acme'), manifest(entry(ORDER, 'Order')));
    await registry.register(consumer('other'), manifest(entry(RELEASE, 'Release', 'mutation')));
    const before = await registry.documents('acme');
    expect(await registry.restoreLost()).toEqual([]);

    for (const key of await store.keys('')) await store.delete(key); // a Redis back empty
    expect(await registry.list('acme')).toEqual([]);
    expect(await registry.restoreLost('acme')).toEqual([
      { consumer: 'acme', id: operationId(ORDER), name: 'Order' },
    ]);
    expect(await registry.documents('acme')).toEqual(before);
    expect(await registry.list('other')).toEqual([]);
    expect(await registry.restoreLost()).toEqual([
      { consumer: 'other', id: operationId(RELEASE), name: 'Release' },
    ]);

    // A replica that never held an operation restores nothing of it.
    await store.delete(`pq:op:acme:${operationId(ORDER)}`);
    expect(await registryOn(store).restoreLost()).toEqual([]);
    expect(await registry.has('acme', operationId(ORDER))).toBe(true); // still served here...
    await registry.restoreLost();
    expect(await registryOn(store).has('acme', operationId(ORDER))).toBe(true); // ...and listed again
  });
});
