import type { CallerIdentity } from './identity-header';
import { badUserInput, notFound } from './errors';
import { rowIfVisible } from './row-scope';
import { customerArgumentRule, rowLookupRule, rowRule } from './row-security';
import { createSubgraphBuilder } from './schema-builder';
import { createSubgraphServer } from './server';
import { servedSchema, type SubgraphDefinition } from './subgraph';
import type { SubgraphContext } from './context';
import { querySubgraph } from './testing';

/**
 * The kit's row rules on a small schema served by the kit's own server: a foreign row answers as a
 * missing one, and a rule whose loader fails denies (fail closed) without telling anything of the row.
 */

interface Order {
  id: string;
  customerId: string;
}

/** The system of record of the test: its next read fails once `failNext` is called (a transient fault). */
class OrderBook {
  private failure: Error | null = null;
  reads = 0;
  constructor(private readonly orders: Order[]) {}
  failNext(error: Error): void {
    this.failure = error;
  }
  async orderById(id: string): Promise<Order | null> {
    this.reads += 1;
    const failure = this.failure;
    this.failure = null;
    if (failure) throw failure;
    return this.orders.find((order) => order.id === id) ?? null;
  }
}

type Context = SubgraphContext<OrderBook>;
const orderRow = (order: Order) => ({ customerIds: order.customerId });

/**
 * Orders with a lookup rule on Query.order, and (unless `lookupRuleOnly`) the Order type's rowRule
 * as a second layer; without it, the lookup rule alone stands between a foreign row and the caller.
 */
function orderSubgraph({ lookupRuleOnly = false } = {}): Pick<
  SubgraphDefinition<unknown, OrderBook>,
  'schema' | 'rowRules'
> {
  const { builder } = createSubgraphBuilder<Context>();
  const OrderType = builder.objectRef<Order>('Order').implement({
    fields: (t) => ({ id: t.exposeID('id'), customerId: t.exposeString('customerId') }),
  });
  builder.asEntity(OrderType, {
    key: builder.selection<{ id: string }>('id'),
    resolveReference: async (ref, ctx) =>
      rowIfVisible(ctx.rowScope, await ctx.store.orderById(ref.id), orderRow),
  });
  builder.queryType({
    fields: (t) => ({
      order: t.field({
        type: OrderType,
        nullable: true,
        args: { id: t.arg.id({ required: true }) },
        resolve: async (_root, args, ctx) => {
          const order = await ctx.store.orderById(String(args.id));
          if (!order) throw notFound('Order', String(args.id));
          return order;
        },
      }),
      // A link that hands out a row as it is, so that only the Order type's rowRule stands between it and the caller.
      orderUnchecked: t.field({
        type: OrderType,
        nullable: true,
        args: { id: t.arg.id({ required: true }) },
        resolve: (_root, args, ctx) => ctx.store.orderById(String(args.id)),
      }),
      price: t.string({
        nullable: true,
        args: { customerId: t.arg.id() },
        resolve: (_root, args) => `price for ${args.customerId ?? 'anyone'}`,
      }),
    }),
  });
  return {
    schema: builder.toSubGraphSchema({ linkUrl: 'https://specs.apollo.dev/federation/v2.9' }),
    rowRules: {
      Query: {
        order: rowLookupRule<{ id: string }>({
          typeName: 'Order',
          keyOf: (args) => String(args.id),
          load: (args, ctx: Context) => ctx.store.orderById(String(args.id)),
          dimensionsOf: orderRow,
        }),
        price: customerArgumentRule('Query', 'customerId'),
      },
      ...(lookupRuleOnly ? {} : { Order: rowRule('Order', orderRow) }),
    },
  };
}

const distributor: Omit<CallerIdentity, 'exp'> = {
  id: 'dev-acme-distributor',
  kind: 'distributor',
  scopes: [],
  tenant: { customerIds: ['CUS-0001'], carrierIds: [] },
};

let book: OrderBook;
let logged: string[];
let server: Awaited<ReturnType<typeof createSubgraphServer>> | undefined;

async function serve(definition: ReturnType<typeof orderSubgraph>) {
  await server?.close();
  server = await createSubgraphServer({
    name: 'orders',
    schema: servedSchema(definition),
    store: book,
  });
  // The server logs what it masks; the test reads those records instead of stdout.
  server.log.error = ((record: { err?: Error }) => {
    logged.push(String(record.err?.cause ?? record.err));
  }) as typeof server.log.error;
}

beforeEach(async () => {
  book = new OrderBook([
    { id: 'ORD-1', customerId: 'CUS-0001' },
    { id: 'ORD-2', customerId: 'CUS-0002' },
  ]);
  logged = [];
  await serve(orderSubgraph());
});
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const asDistributor = (query: string, variables: Record<string, unknown> = {}) =>
  querySubgraph(server!, query, variables, {}, distributor);
const answer = ({ data, errors }: { data?: unknown; errors?: unknown[] }) => ({ data, errors });

describe('a foreign row answers as a missing one', () => {
  test('rowLookupRule: a foreign id gets the NOT_FOUND a missing id gets, the key aside', async () => {
    const foreign = answer(await asDistributor('{ order(id: "ORD-2") { id } }'));
    const missing = answer(await asDistributor('{ order(id: "ORD-9") { id } }'));
    expect(foreign).toEqual({
      data: { order: null },
      errors: [
        {
          message: 'Order "ORD-2" does not exist',
          locations: [{ line: 1, column: 3 }],
          path: ['order'],
          extensions: { code: 'NOT_FOUND', typeName: 'Order', id: 'ORD-2' },
        },
      ],
    });
    expect(JSON.stringify(foreign).replaceAll('ORD-2', 'ORD-9')).toBe(JSON.stringify(missing));
    expect(answer(await asDistributor('{ order(id: "ORD-1") { id } }'))).toEqual({
      data: { order: { id: 'ORD-1' } },
      errors: undefined,
    });
  });

  test('rowRule: a foreign row reached by a link is NOT_FOUND on its fields, with nothing of the row', async () => {
    const result = await asDistributor('{ orderUnchecked(id: "ORD-2") { id customerId } }');
    expect(result.data).toEqual({ orderUnchecked: null });
    // Its fields are non-null: the first refusal nulls the row, so one error.
    expect(result.errors!.map((e) => [e.extensions.code, e.message])).toEqual([
      ['NOT_FOUND', 'Order "ORD-2" does not exist'],
    ]);
    expect(JSON.stringify(result)).not.toContain('CUS-0002');
  });

  test('rowIfVisible: an _entities representation of a foreign row is null without an error, as a missing one', async () => {
    const result = await asDistributor(
      'query ($r: [_Any!]!) { _entities(representations: $r) { ... on Order { id } } }',
      { r: ['ORD-1', 'ORD-2', 'ORD-9'].map((id) => ({ __typename: 'Order', id })) },
    );
    expect(answer(result)).toEqual({
      data: { _entities: [{ id: 'ORD-1' }, null, null] },
      errors: undefined,
    });
  });

  test('customerArgumentRule: decided from the tenant alone, an unknown customer is FORBIDDEN as a foreign one', async () => {
    const foreign = answer(await asDistributor('{ price(customerId: "CUS-0002") }'));
    expect(foreign.errors).toMatchObject([{ extensions: { code: 'FORBIDDEN' } }]);
    const unknown = answer(await asDistributor('{ price(customerId: "CUS-9999") }'));
    expect(unknown).toEqual(foreign);
    expect(book.reads).toBe(0);
    expect(answer(await asDistributor('{ price(customerId: "CUS-0001") }')).data).toEqual({
      price: 'price for CUS-0001',
    });
  });
});

describe('a rule that cannot decide denies', () => {
  test('rowLookupRule whose loader fails: INTERNAL_SERVER_ERROR at the path, never the row, own or foreign; the cause goes to the log', async () => {
    // The lookup rule alone guards the row, and the fault is transient: the resolver's own read would succeed.
    await serve(orderSubgraph({ lookupRuleOnly: true }));
    for (const id of ['ORD-1', 'ORD-2', 'ORD-9']) {
      book.failNext(new Error(`connection reset while reading ${id}`));
      const result = answer(await asDistributor(`{ order(id: "${id}") { id customerId } }`));
      expect(result).toEqual({
        data: { order: null },
        errors: [
          {
            message: 'Internal server error',
            locations: [{ line: 1, column: 3 }],
            path: ['order'],
            extensions: { code: 'INTERNAL_SERVER_ERROR' },
          },
        ],
      });
    }
    expect(logged).toHaveLength(3);
    expect(logged[1]).toContain('connection reset while reading ORD-2');
  });

  test('rowLookupRule whose loader refuses the arguments: that BAD_USER_INPUT passes as it is', async () => {
    book.failNext(badUserInput('id must look like ORD-<number>', 'id'));
    const result = answer(await asDistributor('{ order(id: "nope") { id } }'));
    expect(result.data).toEqual({ order: null });
    expect(result.errors).toMatchObject([
      {
        message: 'id must look like ORD-<number>',
        path: ['order'],
        extensions: { code: 'BAD_USER_INPUT', argument: 'id' },
      },
    ]);
    expect(logged).toEqual([]);
  });

  test('rowRule whose row cannot be placed in a scope (its dimensions throw) denies', async () => {
    const { schema } = orderSubgraph();
    const failing = await createSubgraphServer({
      name: 'orders',
      schema: servedSchema({
        schema,
        rowRules: {
          Order: rowRule('Order', () => {
            throw new Error('no customer on this row');
          }),
        },
      }),
      store: book,
    });
    failing.log.error = (() => {}) as typeof failing.log.error;
    const result = await querySubgraph(
      failing,
      '{ orderUnchecked(id: "ORD-1") { id } }',
      {},
      {},
      distributor,
    );
    await failing.close();
    expect(result.data).toEqual({ orderUnchecked: null });
    expect(result.errors!.map((e) => e.extensions.code)).toEqual(['INTERNAL_SERVER_ERROR']);
  });

  test('a caller that sees every row is not slowed by a lookup rule: the resolver reads once', async () => {
    const result = await querySubgraph(server!, '{ order(id: "ORD-2") { id } }');
    expect(result.data).toEqual({ order: { id: 'ORD-2' } });
    expect(book.reads).toBe(1);
  });
});

describe('a row whose dimensions have to be read (kept apart from the row)', () => {
  /** A server whose Order rule reads the row's customer asynchronously, as orders reads an order's carriers. */
  async function serveReading(read: (order: Order) => Promise<string>) {
    const { schema } = orderSubgraph();
    const reading = await createSubgraphServer({
      name: 'orders',
      schema: servedSchema({
        schema,
        rowRules: {
          Order: rowRule('Order', async (order: Order) => ({ customerIds: await read(order) })),
        },
      }),
      store: book,
    });
    reading.log.error = (() => {}) as typeof reading.log.error;
    return reading;
  }

  test('is decided once the read answers: its own row is there, a foreign one NOT_FOUND', async () => {
    const reading = await serveReading(async (order) => order.customerId);
    try {
      const ask = (id: string) =>
        querySubgraph(reading, `{ orderUnchecked(id: "${id}") { id } }`, {}, {}, distributor);
      expect((await ask('ORD-1')).data).toEqual({ orderUnchecked: { id: 'ORD-1' } });
      const foreign = await ask('ORD-2');
      expect(foreign.data).toEqual({ orderUnchecked: null });
      expect(foreign.errors!.map((e) => e.extensions.code)).toEqual(['NOT_FOUND']);
    } finally {
      await reading.close();
    }
  });

  test('a read that fails denies: INTERNAL_SERVER_ERROR, never the row', async () => {
    const reading = await serveReading(() => Promise.reject(new Error('carriers unreadable')));
    try {
      const result = await querySubgraph(
        reading,
        '{ orderUnchecked(id: "ORD-1") { id customerId } }',
        {},
        {},
        distributor,
      );
      expect(result.data).toEqual({ orderUnchecked: null });
      expect(result.errors!.map((e) => e.extensions.code)).toEqual(['INTERNAL_SERVER_ERROR']);
    } finally {
      await reading.close();
    }
  });
});
