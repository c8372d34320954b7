import { randomBytes } from 'node:crypto';
import { ApolloServer } from '@apollo/server';
import { buildSchema, GraphQLError, parse, type OperationDefinitionNode } from 'graphql';
import type { GatewayContext } from '../../context';
import {
  businessKeysOf,
  createAuditLogModule,
  rootFieldsOf,
  type AuditLogModule,
} from './audit-log';
import type { Consumer } from '../consumer';
import type { GovernanceStore } from '../store/governance-store';
import { createMemoryStore } from '../store/memory-store';
import { createRedisStore } from '../store/redis-store';
import { createSqliteStore } from '../store/sqlite-store';
import { governancePlugin } from '../operation-plugin';

describe('business keys of a mutation', () => {
  const keysOf = (
    source: string,
    variables: Record<string, unknown> = {},
    data: Record<string, unknown> | null = null,
  ) => {
    const document = parse(source);
    const operation = document.definitions[0] as OperationDefinitionNode;
    return businessKeysOf(rootFieldsOf(operation.selectionSet, {}), variables, data).sort();
  };

  test('key-named arguments and input fields count, literal or from variables, in lists too; other arguments do not', () => {
    expect(
      keysOf(`mutation { recordMilestone(shipmentId: "SHP-1", code: "PICKED") { id } }`),
    ).toEqual(['SHP-1']);
    expect(
      keysOf(
        `mutation ($input: ApplyInput!, $note: String) { applyPayment(input: $input, note: $note) { id } }`,
        {
          input: {
            paymentId: 'PAY-9',
            customerId: 'CUS-0001',
            invoiceIds: ['INV-1', 'INV-2'],
            amount: '10.00',
          },
          note: 'ORD-NOT-A-KEY',
        },
      ),
    ).toEqual(['CUS-0001', 'INV-1', 'INV-2', 'PAY-9']);
    expect(
      keysOf(
        `mutation { holdOrders(orderIds: ["ORD-1", "ORD-2"], input: { reason: "credit", customerId: "CUS-7" }) }`,
      ),
    ).toEqual(['CUS-7', 'ORD-1', 'ORD-2']);
  });

  test('ids returned by the mutation root fields count, under their alias', () => {
    expect(
      keysOf(
        `mutation { placed: placeOrder(customerId: "CUS-1") { id number customer { id } lines { productId } } }`,
        {},
        {
          placed: {
            id: 'ORD-000123',
            number: 'SO-1',
            customer: { id: 'CUS-1' },
            lines: [{ productId: 'PRD-1' }],
          },
        },
      ),
    ).toEqual(['CUS-1', 'ORD-000123', 'PRD-1']);
  });
});

const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const stores: [string, () => Promise<GovernanceStore>][] = [
  ['memory', async () => createMemoryStore()],
  ['sqlite', async () => createSqliteStore({ file: ':memory:' })],
  [
    'redis',
    async () => {
      const store = createRedisStore({
        url: redisUrl,
        keyPrefix: `switchyard-audit-test:${randomBytes(4).toString('hex')}:`,
      });
      for (let i = 0; i < 50 && !store.healthy(); i++)
        await new Promise((resolve) => setTimeout(resolve, 20));
      return store;
    },
  ],
];

const schema = buildSchema(`
  type Shipment { id: ID! status: String! }
  type Query { shipment(id: ID!): Shipment }
  type Mutation { recordMilestone(shipmentId: ID!, code: String!): Shipment }
`);
const rootValue = {
  shipment: ({ id }: { id: string }) => ({ id, status: 'PICKED' }),
  recordMilestone: ({ shipmentId }: { shipmentId: string }) => {
    if (shipmentId === 'SHP-MISSING')
      throw new GraphQLError('no such shipment', { extensions: { code: 'NOT_FOUND' } });
    return { id: shipmentId, status: 'PICKED' };
  },
};

const consumer: Consumer = {
  id: 'dev-fastfreight-3pl',
  name: 'FastFreight',
  kind: '3pl',
  scopes: ['shipments:write'],
  tenant: { customerIds: [], carrierIds: ['CAR-FASTFREIGHT'] },
  tier: 'bronze',
  persistedOperations: 'allow',
  contract: null,
  requireClientName: false,
  requireOperationName: false,
  principal: 'dispatcher-7',
};

async function serverWith(audit: AuditLogModule) {
  const server = new ApolloServer<GatewayContext>({
    schema,
    rootValue,
    plugins: [governancePlugin([audit])!],
  });
  await server.start();
  let n = 0;
  const run = (query: string, variables: Record<string, unknown> = {}) =>
    server.executeOperation(
      { query, variables },
      {
        contextValue: {
          correlationId: `corr-${++n}`,
          startedAt: 0,
          consumer,
          client: { name: null, version: null },
          governance: {},
        },
      },
    );
  return { server, run };
}

const RECORD = `mutation Record($id: ID!) { recordMilestone(shipmentId: $id, code: "PICKED") { id status } }`;

describe.each(stores)('audit log on the %s store', (_kind, open) => {
  let store: GovernanceStore;
  beforeEach(async () => {
    store = await open();
  });
  afterEach(async () => {
    for (const key of await store.keys('audit:')) await store.delete(key);
    await store.close();
  });

  test('a mutation leaves a record of who ran what on which business keys, and its outcome; a query leaves none', async () => {
    const audit = createAuditLogModule({}, { store });
    const { server, run } = await serverWith(audit);
    await run(RECORD, { id: 'SHP-00042' });
    await run(`mutation { recordMilestone(shipmentId: "SHP-MISSING", code: "PACKED") { id } }`);
    await run(`query { shipment(id: "SHP-00042") { id } }`);

    const [record] = await audit.recordsFor('SHP-00042');
    expect(record).toMatchObject({
      consumer: 'dev-fastfreight-3pl',
      principal: 'dispatcher-7',
      correlationId: 'corr-1',
      operationName: 'Record',
      operationId: expect.stringMatching(/^[0-9a-f]{64}$/),
      fields: ['recordMilestone'],
      keys: ['SHP-00042'],
      outcome: 'ok',
      errorCodes: [],
    });
    expect(Date.parse(record.at)).not.toBeNaN();
    expect(await audit.recordsFor('SHP-MISSING')).toEqual([
      expect.objectContaining({ outcome: 'error', errorCodes: ['NOT_FOUND'], operationName: null }),
    ]);
    expect(await audit.latest()).toHaveLength(2);
    await server.stop();
    await audit.close();
  });

  test('a drain with nothing pending (a flush before any record) leaves later records written', async () => {
    const audit = createAuditLogModule({}, { store });
    await audit.drain();
    await audit.recordAdminAction({
      action: 'budget.reset',
      admin: { id: 'dev-platform-admin' },
      correlationId: 'corr-2',
      keys: ['dev-acme-distributor'],
      details: {},
    });
    expect(await audit.recordsFor('dev-acme-distributor')).toEqual([
      expect.objectContaining({ operationName: 'budget.reset', consumer: 'dev-platform-admin' }),
    ]);
    await audit.close();
  });

  test('the log keeps its newest maxRecords records; a key lists only those still kept, newest first', async () => {
    const audit = createAuditLogModule({ maxRecords: 3 }, { store });
    const { server, run } = await serverWith(audit);
    for (let i = 1; i <= 5; i++)
      await run(
        `mutation { a: recordMilestone(shipmentId: "SHP-1", code: "C${i}") { id } b: recordMilestone(shipmentId: "SHP-${i + 10}", code: "X") { id } }`,
      );

    const records = await audit.recordsFor('SHP-1');
    expect(records.map((r) => r.correlationId)).toEqual(['corr-5', 'corr-4', 'corr-3']);
    expect(await audit.recordsFor('SHP-11')).toEqual([]); // overwritten
    expect((await audit.recordsFor('SHP-15')).map((r) => r.correlationId)).toEqual(['corr-5']);
    expect((await audit.latest(10)).map((r) => r.correlationId)).toEqual([
      'corr-5',
      'corr-4',
      'corr-3',
    ]);
    await server.stop();
    await audit.close();
  });

  test('the index holds only the keys of records still in the ring: a record leaving it takes its index entries along', async () => {
    const audit = createAuditLogModule({ maxRecords: 4 }, { store });
    const { server, run } = await serverWith(audit);
    for (let i = 1; i <= 25; i++) await run(RECORD, { id: `SHP-${1000 + i}` });
    await run(
      `mutation { a: recordMilestone(shipmentId: "SHP-1025", code: "X") { id } b: recordMilestone(shipmentId: "SHP-9", code: "X") { id } }`,
    );

    const kept = await audit.latest(10);
    const keysInRing = [...new Set(kept.flatMap((record) => record.keys))].sort();
    expect(keysInRing).toEqual(['SHP-1023', 'SHP-1024', 'SHP-1025', 'SHP-9']);
    expect((await store.keys('audit:key:')).sort()).toEqual(
      keysInRing.map((key) => `audit:key:${key}`),
    );
    // One field per record of the key still in the ring.
    expect(Object.keys(await store.fields('audit:key:SHP-1025')).sort()).toEqual(
      kept
        .filter((record) => record.keys.includes('SHP-1025'))
        .map((record) => String(record.seq))
        .sort(),
    );
    await server.stop();
    await audit.close();
  });
});

test('records the store refused are kept, the mutation still answered, and written once the store is back', async () => {
  const inner = createMemoryStore();
  let down = true;
  const failing =
    <A extends unknown[], R>(method: (...args: A) => Promise<R>) =>
    (...args: A) =>
      down ? Promise.reject(new Error('store away')) : method(...args);
  const store: GovernanceStore = {
    ...inner,
    increment: failing(inner.increment),
    set: failing(inner.set),
    setIndexed: failing(inner.setIndexed),
  };
  const errors: unknown[] = [];
  const audit = createAuditLogModule(
    { retryIntervalMs: 20 },
    { store, onWriteError: (error) => errors.push(error) },
  );
  const { server, run } = await serverWith(audit);

  const response = await run(RECORD, { id: 'SHP-7' });
  expect(response.body.kind === 'single' && response.body.singleResult.data).toEqual({
    recordMilestone: { id: 'SHP-7', status: 'PICKED' },
  });
  await run(RECORD, { id: 'SHP-8' });
  expect(errors.length).toBeGreaterThan(0);
  expect(await audit.recordsFor('SHP-7')).toEqual([]);

  down = false;
  await new Promise((resolve) => setTimeout(resolve, 100)); // the retry timer drains the backlog
  expect(await audit.recordsFor('SHP-7')).toEqual([
    expect.objectContaining({ correlationId: 'corr-1' }),
  ]);
  expect(await audit.recordsFor('SHP-8')).toEqual([
    expect.objectContaining({ correlationId: 'corr-2' }),
  ]);
  await server.stop();
  await audit.close();
});
