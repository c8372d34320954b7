import { parse } from 'graphql';
import { withFewerRequests } from './fewer-requests';
import type { FetchNode, PlanNode, RequiredSelection, ResultPath } from './plan';

const keyOf = (typename: string, ...fields: string[]): RequiredSelection[] => [
  {
    kind: 'InlineFragment',
    typeCondition: typename,
    selections: ['__typename', ...fields].map((field) => ({
      kind: 'Field',
      readKey: field,
      writeKey: field,
    })),
  },
];

const rootFetch = (serviceName: string, operation: string): FetchNode => ({
  kind: 'Fetch',
  serviceName,
  operation,
  document: parse(operation),
  variableUsages: [],
  isMutation: false,
  outputRewrites: [],
  entities: [],
});

const entityFetch = (
  serviceName: string,
  path: ResultPath,
  typename: string,
  selection: string,
  requires: RequiredSelection[] = keyOf(typename, 'id'),
): FetchNode => {
  const operation = `query($representations:[_Any!]!){_entities(representations:$representations){...on ${typename}{${selection}}}}`;
  return {
    ...rootFetch(serviceName, operation),
    entities: [
      {
        responseKey: '_entities',
        variableName: 'representations',
        paths: [path],
        requires,
        inputRewrites: [],
        outputRewrites: [],
      },
    ],
  };
};

const shape = (node: PlanNode | undefined): unknown => {
  if (!node) return null;
  if (node.kind === 'Fetch')
    return `${node.serviceName}(${node.entities.map((entity) => entity.paths.map((path) => path.join('.')).join('+')).join(', ')})`;
  if (node.kind === 'Condition') return 'Condition';
  return { [node.kind]: node.nodes.map(shape) };
};

// Shaped as Hive plans freight: shipments' lines fetched again, then the products' weights, then freight.
const root = rootFetch('orders', '{orders{__typename id}}');
const shipments = entityFetch(
  'shipments',
  ['orders', '@'],
  'Order',
  'shipments{__typename id lines{product{__typename id}}}',
);
const labels = entityFetch('catalog', ['orders', '@', 'shipments', '@'], 'Shipment', 'label');
const linesAgain = entityFetch(
  'shipments',
  ['orders', '@', 'shipments', '@'],
  'Shipment',
  'lines{product{__typename id}}',
);
const weights = entityFetch(
  'catalog',
  ['orders', '@', 'shipments', '@', 'lines', '@', 'product'],
  'Product',
  'weight',
);
const freight = entityFetch('shipments', ['orders', '@', 'shipments', '@'], 'Shipment', 'freight', [
  {
    kind: 'InlineFragment',
    typeCondition: 'Shipment',
    selections: [
      { kind: 'Field', readKey: '__typename', writeKey: '__typename' },
      { kind: 'Field', readKey: 'id', writeKey: 'id' },
      {
        kind: 'Field',
        readKey: 'lines',
        writeKey: 'lines',
        selections: [
          {
            kind: 'Field',
            readKey: 'product',
            writeKey: 'product',
            selections: [{ kind: 'Field', readKey: 'weight', writeKey: 'weight' }],
          },
        ],
      },
    ],
  },
]);

describe('one request per subgraph per plan level', () => {
  test('a fetch of what is already held is dropped, one whose inputs are held moves up, and one level sends one request per subgraph', () => {
    const plan = withFewerRequests({
      kind: 'Sequence',
      nodes: [root, shipments, { kind: 'Parallel', nodes: [labels, linesAgain] }, weights, freight],
    });
    expect(shape(plan)).toEqual({
      Sequence: [
        'orders()',
        'shipments(orders.@)',
        'catalog(orders.@.shipments.@, orders.@.shipments.@.lines.@.product)',
        'shipments(orders.@.shipments.@)',
      ],
    });
    const merged = (plan as { nodes: FetchNode[] }).nodes[2];
    expect(merged.entities.map((entity) => [entity.responseKey, entity.variableName])).toEqual([
      ['_e0', '__reps_0'],
      ['_e1', '__reps_1'],
    ]);
    expect(merged.operation).toBe(
      'query($__reps_0:[_Any!]!$__reps_1:[_Any!]!){_e0:_entities(representations:$__reps_0){...on Shipment{label}}_e1:_entities(representations:$__reps_1){...on Product{weight}}}',
    );
  });

  test('a fetch of the same fields with other arguments is not dropped', () => {
    const again = entityFetch(
      'shipments',
      ['orders', '@', 'shipments', '@'],
      'Shipment',
      'lines(first: 2){product{__typename id}}',
    );
    const plan = withFewerRequests({ kind: 'Sequence', nodes: [root, shipments, again] });
    expect(shape(plan)).toEqual({
      Sequence: ['orders()', 'shipments(orders.@)', 'shipments(orders.@.shipments.@)'],
    });
  });

  test('a fetch reading what the level before it writes stays after it', () => {
    const plan: PlanNode = { kind: 'Sequence', nodes: [root, shipments, weights] };
    expect(shape(withFewerRequests(plan))).toEqual(shape(plan));
  });

  test('plans with conditions or mutations are left as they are', () => {
    const conditional: PlanNode = {
      kind: 'Sequence',
      nodes: [root, { kind: 'Condition', variable: 'withShipments', ifClause: shipments }],
    };
    expect(withFewerRequests(conditional)).toBe(conditional);
    const mutation: PlanNode = {
      kind: 'Sequence',
      nodes: [{ ...root, isMutation: true }, shipments, linesAgain],
    };
    expect(withFewerRequests(mutation)).toBe(mutation);
  });
});

describe('a fetch with slack moves down to a later level that sends to its subgraph', () => {
  const product = (...fields: string[]): RequiredSelection[] => keyOf('Product', 'id', ...fields);
  const ordersWithLines = rootFetch(
    'orders',
    '{orders{__typename id customer{__typename id} lines{product{__typename id}}}}',
  );
  const orderCustomers = entityFetch('customers', ['orders', '@', 'customer'], 'Customer', 'name');
  const orderShipments = entityFetch(
    'shipments',
    ['orders', '@'],
    'Order',
    'shipments{__typename id customer{__typename id} lines{product{__typename id}}}',
  );
  const invoices = entityFetch('finance', ['orders', '@'], 'Order', 'invoices{id}');
  const shipmentCustomers = entityFetch(
    'customers',
    ['orders', '@', 'shipments', '@', 'customer'],
    'Customer',
    'name',
  );
  const lineWeights = entityFetch(
    'catalog',
    ['orders', '@', 'lines', '@', 'product'],
    'Product',
    'weight',
    product(),
  );
  const shipmentLineWeights = entityFetch(
    'catalog',
    ['orders', '@', 'shipments', '@', 'lines', '@', 'product'],
    'Product',
    'weight',
    product(),
  );
  // Reads the order lines' weights: it needs `lineWeights` a level before it.
  const lineFreight = entityFetch(
    'shipments',
    ['orders', '@', 'lines', '@', 'product'],
    'Product',
    'freight',
    product('weight'),
  );

  test('it joins the later request, and a fetch no later level sends to its subgraph stays', () => {
    const plan = withFewerRequests({
      kind: 'Sequence',
      nodes: [
        ordersWithLines,
        { kind: 'Parallel', nodes: [orderCustomers, orderShipments, invoices] },
        shipmentCustomers,
      ],
    });
    expect(shape(plan)).toEqual({
      Sequence: [
        'orders()',
        { Parallel: ['shipments(orders.@)', 'finance(orders.@)'] },
        'customers(orders.@.shipments.@.customer, orders.@.customer)',
      ],
    });
  });

  test('a later fetch that reads what it writes pins it a level before that fetch', () => {
    const levels = (...second: FetchNode[]): PlanNode => ({
      kind: 'Sequence',
      nodes: [
        ordersWithLines,
        { kind: 'Parallel', nodes: [lineWeights, orderShipments] },
        { kind: 'Parallel', nodes: second },
      ],
    });
    expect(shape(withFewerRequests(levels(lineFreight, shipmentLineWeights)))).toEqual({
      Sequence: [
        'orders()',
        { Parallel: ['catalog(orders.@.lines.@.product)', 'shipments(orders.@)'] },
        {
          Parallel: [
            'shipments(orders.@.lines.@.product)',
            'catalog(orders.@.shipments.@.lines.@.product)',
          ],
        },
      ],
    });
    // Without the dependent, the order lines' weights go with the shipment lines' ones.
    expect(shape(withFewerRequests(levels(shipmentLineWeights)))).toEqual({
      Sequence: [
        'orders()',
        'shipments(orders.@)',
        'catalog(orders.@.shipments.@.lines.@.product, orders.@.lines.@.product)',
      ],
    });
  });

  test('a later fetch that writes what it writes pins it too (the answer merged last wins)', () => {
    const lineClasses = entityFetch(
      'shipments',
      ['orders', '@', 'lines', '@', 'product'],
      'Product',
      'shippingClass',
      product(),
    );
    // Needs `lineClasses`, so it stays on the second level; it writes `weight` where `lineWeights`
    // does (beside `stock`, so it is not dropped as a fetch of what is held), or only `stock`.
    const lineField = (field: string) =>
      entityFetch(
        'inventory',
        ['orders', '@', 'lines', '@', 'product'],
        'Product',
        field,
        product('shippingClass'),
      );
    const plan = (later: FetchNode) =>
      shape(
        withFewerRequests({
          kind: 'Sequence',
          nodes: [
            ordersWithLines,
            { kind: 'Parallel', nodes: [lineWeights, lineClasses, orderShipments] },
            { kind: 'Parallel', nodes: [later, shipmentLineWeights] },
          ],
        }),
      );
    expect(plan(lineField('weight stock'))).toEqual({
      Sequence: [
        'orders()',
        {
          Parallel: [
            'catalog(orders.@.lines.@.product)',
            'shipments(orders.@.lines.@.product, orders.@)',
          ],
        },
        {
          Parallel: [
            'inventory(orders.@.lines.@.product)',
            'catalog(orders.@.shipments.@.lines.@.product)',
          ],
        },
      ],
    });
    expect(plan(lineField('stock'))).toEqual({
      Sequence: [
        'orders()',
        'shipments(orders.@.lines.@.product, orders.@)',
        {
          Parallel: [
            'inventory(orders.@.lines.@.product)',
            'catalog(orders.@.shipments.@.lines.@.product, orders.@.lines.@.product)',
          ],
        },
      ],
    });
  });

  test('a fetch whose writes or whose later fetches’ reads cannot be told in full stays', () => {
    const renamed: FetchNode = {
      ...lineWeights,
      entities: lineWeights.entities.map((entity) => ({
        ...entity,
        outputRewrites: [
          { kind: 'KeyRenamer', path: [{ key: 'weight__alias_0' }], renameTo: 'weight' },
        ],
      })),
    };
    const typed = entityFetch(
      'catalog',
      ['orders', '@', 'shipments', '@', 'lines', '@', 'product', { types: ['Product'] }],
      'Product',
      'weight',
      product(),
    );
    for (const [first, later] of [
      [renamed, shipmentLineWeights],
      [lineWeights, typed],
    ]) {
      const plan = withFewerRequests({
        kind: 'Sequence',
        nodes: [ordersWithLines, { kind: 'Parallel', nodes: [first, orderShipments] }, later],
      });
      expect((plan as { nodes: PlanNode[] }).nodes.map(shape)).toEqual([
        'orders()',
        { Parallel: [shape(first), 'shipments(orders.@)'] },
        shape(later),
      ]);
    }
  });
});
