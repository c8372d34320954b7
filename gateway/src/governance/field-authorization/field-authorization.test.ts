import path from 'node:path';
import type {
  GraphQLRequestContextDidResolveOperation,
  GraphQLRequestContextWillSendResponse,
  GraphQLRequestListener,
} from '@apollo/server';
import { getOperationAST, parse, print, type DocumentNode, type GraphQLObjectType } from 'graphql';
import { REPO_ROOT } from '../../config';
import type { GatewayContext } from '../../context';
import { SupergraphSource } from '../../supergraph-manager';
import { composeSupergraph, loadSupergraph } from '../../supergraph-config';
import type { Consumer } from '../consumer';
import { GovernanceError } from '../errors';
import {
  authorizeOperation,
  combine,
  createFieldAuthorizationModule,
  declaredRequirementsOf,
  describeRequirement,
  missingRequirement,
  nullRemovedFields,
  TYPE_MARKER,
  type Caller,
  type FieldAuthorization,
  type RemovedField,
} from './field-authorization';
import { governancePlugin } from '../operation-plugin';

const switchyard = new SupergraphSource(loadSupergraph(path.join(REPO_ROOT, 'supergraph.yaml')));
const declared = declaredRequirementsOf(switchyard.current);

const caller = (scopes: string[], authenticated = true): Caller => ({
  authenticated,
  scopes: new Set(scopes),
});
const authorize = (source: SupergraphSource, query: string, who: Caller, queryHash = 'hash-1') =>
  authorizeOperation(
    source.apiSchema(),
    declaredRequirementsOf(source.current),
    parse(query),
    undefined,
    who,
    queryHash,
  );
const paths = (authorization: FieldAuthorization | null) =>
  authorization?.removed
    .map((field) => [...field.ancestors.map((a) => a.key), field.key].join('.'))
    .sort() ?? [];

describe('requirements declared in the supergraph', () => {
  test('reads @requiresScopes and @authenticated of fields and of types from the composed Switchyard supergraph', () => {
    expect(declared.fields.get('Customer.creditLimit')).toEqual({
      authenticated: false,
      requiresScopes: [['credit:read']],
    });
    expect(declared.fields.get('Customer.creditExposure')).toEqual({
      authenticated: false,
      requiresScopes: [['credit:read']],
    });
    expect(declared.fields.get('Invoice.total')).toEqual({
      authenticated: false,
      requiresScopes: [['finance:read']],
    });
    expect(declared.fields.get('Product.costPrice')).toEqual({
      authenticated: false,
      requiresScopes: [['catalog:cost:read']],
    });
    expect(declared.fields.get('Customer.addresses')).toEqual({
      authenticated: true,
      requiresScopes: null,
    });
    expect(declared.types.get('Contact')).toEqual({
      authenticated: false,
      requiresScopes: [['contacts:read']],
    });
    expect(declared.fields.has('Customer.name')).toBe(false);
  });

  test('follows the names a supergraph gives the directives with @link(as:)', () => {
    const sdl = `
      schema
        @link(url: "https://specs.apollo.dev/link/v1.0")
        @link(url: "https://specs.apollo.dev/requiresScopes/v0.1", as: "scopes", for: SECURITY)
        @link(url: "https://specs.apollo.dev/authenticated/v0.1", as: "signedIn", for: SECURITY)
      { query: Query }
      type Query { a: String @scopes(scopes: [["x", "y"], ["z"]]) b: String @signedIn c: String @requiresScopes(scopes: [["ignored"]]) }
    `;
    const read = declaredRequirementsOf(sdl);
    expect(read.fields.get('Query.a')).toEqual({
      authenticated: false,
      requiresScopes: [['x', 'y'], ['z']],
    });
    expect(read.fields.get('Query.b')).toEqual({ authenticated: true, requiresScopes: null });
    expect(read.fields.has('Query.c')).toBe(false);
  });
});

describe('requirement algebra', () => {
  test('combining two requirements needs both: scope sets multiply, and a set holding another is dropped', () => {
    expect(
      combine(
        { authenticated: false, requiresScopes: [['a']] },
        { authenticated: true, requiresScopes: [['b'], ['c']] },
      ),
    ).toEqual({
      authenticated: true,
      requiresScopes: [
        ['a', 'b'],
        ['a', 'c'],
      ],
    });
    expect(
      combine(
        { authenticated: false, requiresScopes: [['a'], ['a', 'b']] },
        { authenticated: false, requiresScopes: null },
      ).requiresScopes,
    ).toEqual([['a']]);
  });

  test('scopes are an OR of AND-sets; @authenticated is met by any authenticated caller, never the anonymous one', () => {
    const requirement = { authenticated: false, requiresScopes: [['a', 'b'], ['c']] };
    expect(missingRequirement(requirement, caller(['a', 'b']))).toBeNull();
    expect(missingRequirement(requirement, caller(['c']))).toBeNull();
    expect(missingRequirement(requirement, caller(['a']))).toEqual(requirement);
    expect(
      missingRequirement({ authenticated: true, requiresScopes: null }, caller([])),
    ).toBeNull();
    expect(
      missingRequirement({ authenticated: true, requiresScopes: [['a']] }, caller(['a'], false)),
    ).toEqual({ authenticated: true, requiresScopes: null });
  });

  test('a requirement is described as the schema spells it', () => {
    expect(describeRequirement({ authenticated: true, requiresScopes: [['credit:read']] })).toBe(
      '@authenticated and @requiresScopes(scopes: [["credit:read"]])',
    );
  });
});

describe('authorizing an operation', () => {
  test('a caller holding every scope it needs gets the operation untouched', () => {
    expect(
      authorize(
        switchyard,
        '{ customer(id: "CUS-0001") { name creditLimit { amount } } }',
        caller(['credit:read']),
      ),
    ).toBeNull();
    expect(
      authorize(switchyard, '{ customer(id: "CUS-0001") { name status } }', caller([], false)),
    ).toBeNull();
  });

  test('finds denied fields through aliases, fragments and inline fragments, at their response paths, once per path', () => {
    const authorization = authorize(
      switchyard,
      `query Q {
        c: customer(id: "CUS-0001") { name limit: creditLimit { amount } ...Money ... on Customer { contacts { email } } }
        customers(first: 2) { edges { node { ...Money } } }
        product(sku: "FAS-10001") { name costPrice { amount } }
      }
      fragment Money on Customer { creditLimit { amount } openBalance { amount } }`,
      caller(['finance:read']),
    );
    expect(paths(authorization)).toEqual([
      'c.contacts',
      'c.creditLimit',
      'c.limit',
      'customers.edges.node.creditLimit',
      'product.costPrice',
    ]);
    const limit = authorization!.removed.find((field) => field.key === 'limit')!;
    expect(limit).toMatchObject({
      coordinate: 'Customer.creditLimit',
      missing: { authenticated: false, requiresScopes: [['credit:read']] },
      parentTypes: ['Customer'],
    });
    expect(
      authorization!.removed.find((field) => field.key === 'contacts')!.missing.requiresScopes,
    ).toEqual([['contacts:read']]);
  });

  test('the filtered document no longer selects denied fields and marks the objects they were removed from', () => {
    const authorization = authorize(
      switchyard,
      '{ customer(id: "CUS-0001") { creditLimit { amount } } customers { totalCount } }',
      caller([]),
    )!;
    const printed = print(authorization.document);
    expect(printed).not.toContain('creditLimit');
    expect(printed).toContain(`customer(id: "CUS-0001") {\n    ${TYPE_MARKER}: __typename\n  }`);
    expect(printed).toContain('customers {\n    totalCount\n  }');
    expect(getOperationAST(authorization.document)).toBe(authorization.operation);
  });

  test('an unauthenticated caller loses @authenticated fields, an authenticated one keeps them', () => {
    const query =
      '{ customer(id: "CUS-0001") { name billTo { city } } order(id: "ORD-1") { shipTo { city } holds { releasedBy } } }';
    expect(paths(authorize(switchyard, query, caller([], false)))).toEqual([
      'customer.billTo',
      'order.holds.releasedBy',
      'order.shipTo',
    ]);
    expect(authorize(switchyard, query, caller([]))).toBeNull();
  });

  test('the query hash is distinct per removed set and stable for the same one', () => {
    const query = '{ customer(id: "CUS-0001") { creditLimit { amount } openBalance { amount } } }';
    const none = authorize(switchyard, query, caller([]))!;
    const finance = authorize(switchyard, query, caller(['finance:read']))!;
    const otherFinance = authorize(switchyard, query, caller(['finance:read', 'orders:read']))!;
    expect(none.queryHash).not.toBe('hash-1');
    expect(none.queryHash).not.toBe(finance.queryHash);
    expect(finance.queryHash).toBe(otherFinance.queryHash);
    expect(authorize(switchyard, query, caller([]), 'hash-2')!.queryHash).not.toBe(none.queryHash);
  });

  describe('on abstract types', () => {
    const parties = new SupergraphSource(
      composeSupergraph([
        {
          name: 'parties',
          url: 'http://parties.invalid/graphql',
          sdl: `
            extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key", "@requiresScopes", "@authenticated"])
            interface Party { id: ID! name: String! }
            type Person implements Party @key(fields: "id") { id: ID! name: String! @requiresScopes(scopes: [["contacts:read"]]) email: String @requiresScopes(scopes: [["contacts:read"]]) }
            type Company implements Party @key(fields: "id") { id: ID! name: String! taxId: String @authenticated }
            type Query { parties: [Party!]! party(id: ID!): Party }
          `,
        },
      ]),
    );

    test('a field of an interface needs what every implementation needs', () => {
      const authorization = authorize(parties, '{ parties { id name } }', caller([]));
      expect(paths(authorization)).toEqual(['parties.name']);
      expect(authorization!.removed[0]).toMatchObject({
        coordinate: 'Party.name',
        missing: { requiresScopes: [['contacts:read']] },
        parentTypes: ['Company', 'Person'],
      });
    });

    test('a field in a fragment on a protected type is removed only from objects of that type', () => {
      const authorization = authorize(
        parties,
        '{ parties { ... on Person { email } ... on Company { taxId } } }',
        caller([]),
      )!;
      expect(authorization.removed.map((field) => [field.coordinate, field.parentTypes])).toEqual([
        ['Person.email', ['Person']],
      ]);
      expect(
        authorize(parties, '{ parties { ... on Person { email } } }', caller(['contacts:read'])),
      ).toBeNull();
    });
  });
});

describe('nulling removed fields in a response', () => {
  const schema = switchyard.apiSchema();
  const typeOf = (type: string, field: string) =>
    (schema.getType(type) as GraphQLObjectType).getFields()[field].type;
  const marked = <T extends object>(object: T, type = 'Customer') => ({
    ...object,
    [TYPE_MARKER]: type,
  });
  /** A removal of `Customer.name` (String!) below these fields. */
  const nameRemovedBelow = (
    ancestors: [key: string, parent: string, field: string][],
    parentTypes = ['Customer'],
  ): RemovedField[] => [
    {
      coordinate: 'Customer.name',
      missing: { authenticated: true, requiresScopes: null },
      ancestors: ancestors.map(([key, parent, field]) => ({ key, type: typeOf(parent, field) })),
      key: 'name',
      type: typeOf('Customer', 'name'),
      parentTypes,
    },
  ];

  test('puts null at a removed field, for each element of the lists above it, and strips the type markers', () => {
    const removed = authorize(
      switchyard,
      '{ customers(first: 2) { edges { node { name creditLimit { amount } } } } }',
      caller([]),
    )!.removed;
    const data = {
      customers: { edges: [{ node: marked({ name: 'A' }) }, { node: marked({ name: 'B' }) }] },
    };
    const { data: patched, nulled } = nullRemovedFields(data, removed);
    expect(patched).toEqual({
      customers: {
        edges: [
          { node: { name: 'A', creditLimit: null } },
          { node: { name: 'B', creditLimit: null } },
        ],
      },
    });
    expect(nulled.map((n) => n.path)).toEqual([
      ['customers', 'edges', 0, 'node', 'creditLimit'],
      ['customers', 'edges', 1, 'node', 'creditLimit'],
    ]);
  });

  test('a removed non-null field nulls its nearest nullable parent: here the nullable root field', () => {
    const { data, nulled } = nullRemovedFields(
      { customer: marked({ id: 'CUS-0001' }), other: 1 },
      nameRemovedBelow([['customer', 'Query', 'customer']]),
    );
    expect(data).toEqual({ customer: null, other: 1 });
    expect(nulled.map((n) => n.path)).toEqual([['customer', 'name']]);
  });

  test('null travels through non-null objects and list elements up to `data` when nothing on the way is nullable', () => {
    // customers: CustomerConnection!, edges: [CustomerEdge!]!, node: Customer!, name: String!
    const removed = nameRemovedBelow([
      ['customers', 'Query', 'customers'],
      ['edges', 'CustomerConnection', 'edges'],
      ['node', 'CustomerEdge', 'node'],
    ]);
    expect(
      nullRemovedFields({ customers: { edges: [{ node: marked({ id: '1' }) }] } }, removed),
    ).toEqual({
      data: null,
      nulled: [{ path: ['customers', 'edges', 0, 'node', 'name'], field: removed[0] }],
    });
    expect(nullRemovedFields({ customers: { edges: [] } }, removed)).toEqual({
      data: { customers: { edges: [] } },
      nulled: [],
    });
  });

  test('a list of non-null elements is nulled as a whole when one element must be null', () => {
    // Customer.contacts is [Contact!] (nullable list of non-null elements): the list takes the null.
    const removed: RemovedField[] = [
      {
        ...nameRemovedBelow([])[0],
        coordinate: 'Contact.name',
        ancestors: [{ key: 'contacts', type: typeOf('Customer', 'contacts') }],
        type: typeOf('Contact', 'name'),
        parentTypes: ['Contact'],
      },
    ];
    expect(
      nullRemovedFields(
        { contacts: [marked({ id: '1' }, 'Contact'), marked({ id: '2' }, 'Contact')], id: 'x' },
        removed,
      ).data,
    ).toEqual({ contacts: null, id: 'x' });
  });

  test('objects of another type than the one the field was removed from keep their value', () => {
    const removed: RemovedField[] = [
      {
        ...nameRemovedBelow([['customer', 'Query', 'customer']], ['Person'])[0],
        type: typeOf('Customer', 'billTo'),
      },
    ];
    const kept = nullRemovedFields({ customer: marked({ name: 'kept' }, 'Company') }, removed);
    expect(kept).toEqual({ data: { customer: { name: 'kept' } }, nulled: [] });
    const nulled = nullRemovedFields({ customer: marked({ name: 'secret' }, 'Person') }, removed);
    expect(nulled.data).toEqual({ customer: { name: null } });
  });
});

describe('field authorization module', () => {
  const consumer = (scopes: string[], id = 'test-consumer'): Consumer => ({
    id,
    name: id,
    kind: 'internal',
    scopes,
    tenant: null,
    tier: 'gold',
    persistedOperations: 'allow',
    contract: null,
    requireClientName: false,
    requireOperationName: false,
  });

  // As Apollo Server's document store does: one parsed document per query text.
  const documents = new Map<string, DocumentNode>();
  async function run(
    module: ReturnType<typeof createFieldAuthorizationModule>,
    query: string,
    who: Consumer | null,
    data: Record<string, unknown>,
  ) {
    const listener = (await governancePlugin([module])!.requestDidStart!(
      {} as never,
    )) as GraphQLRequestListener<GatewayContext>;
    let document = documents.get(query);
    if (!document) documents.set(query, (document = parse(query)));
    const request = {
      request: { query },
      document,
      operation: getOperationAST(document),
      operationName: null,
      queryHash: 'original-hash',
      contextValue: {
        correlationId: 'c',
        startedAt: 0,
        consumer: who,
        client: { name: null, version: null },
        governance: {},
      } satisfies GatewayContext as GatewayContext,
      response: { body: { kind: 'single', singleResult: { data } }, http: {} },
    };
    await listener.didResolveOperation!(
      request as unknown as GraphQLRequestContextDidResolveOperation<GatewayContext>,
    );
    await listener.willSendResponse!(
      request as unknown as GraphQLRequestContextWillSendResponse<GatewayContext>,
    );
    return request as typeof request & {
      response: { body: { singleResult: { data: any; errors?: any[] } } };
    };
  }

  const query = '{ customer(id: "CUS-0001") { name creditLimit { amount } } }';

  test('filter: replaces the document and query hash, nulls the path and adds one error naming the missing requirement', async () => {
    const module = createFieldAuthorizationModule({}, { supergraph: switchyard });
    const request = await run(module, query, consumer(['orders:read']), {
      customer: { name: 'Acme', [TYPE_MARKER]: 'Customer' },
    });
    expect(print(request.document)).not.toContain('creditLimit');
    expect(request.queryHash).not.toBe('original-hash');
    expect(request.response.body.singleResult.data).toEqual({
      customer: { name: 'Acme', creditLimit: null },
    });
    expect(request.response.body.singleResult.errors).toEqual([
      {
        message:
          'Unauthorized field or type: Customer.creditLimit requires @requiresScopes(scopes: [["credit:read"]])',
        path: ['customer', 'creditLimit'],
        extensions: {
          code: 'UNAUTHORIZED_FIELD_OR_TYPE',
          coordinate: 'Customer.creditLimit',
          requiresScopes: [['credit:read']],
        },
      },
    ]);
    expect(request.contextValue.governance.removedFields).toEqual([
      {
        path: ['customer', 'creditLimit'],
        requirement: '@requiresScopes(scopes: [["credit:read"]])',
      },
    ]);
  });

  test('filter: the same operation and scope set is analysed once; a consumer with the scope keeps the original document', async () => {
    const module = createFieldAuthorizationModule({}, { supergraph: switchyard });
    const first = await run(module, query, consumer([]), {
      customer: { name: 'A', [TYPE_MARKER]: 'Customer' },
    });
    const second = await run(module, query, consumer([], 'another-consumer'), {
      customer: { name: 'A', [TYPE_MARKER]: 'Customer' },
    });
    expect(second.document).toBe(first.document);
    const allowed = await run(module, query, consumer(['credit:read']), {
      customer: { name: 'A', creditLimit: { amount: '1.00' } },
    });
    expect(print(allowed.document)).toContain('creditLimit');
    expect(allowed.queryHash).toBe('original-hash');
    expect(allowed.response.body.singleResult.errors).toBeUndefined();
  });

  test('the anonymous consumer is not authenticated, whatever scopes it holds', async () => {
    const module = createFieldAuthorizationModule(
      { anonymousConsumer: 'guest' },
      { supergraph: switchyard },
    );
    const request = await run(
      module,
      '{ customer(id: "CUS-0001") { billTo { city } } }',
      consumer(['contacts:read'], 'guest'),
      { customer: { [TYPE_MARKER]: 'Customer' } },
    );
    expect(request.response.body.singleResult.errors?.[0].extensions).toEqual({
      code: 'UNAUTHORIZED_FIELD_OR_TYPE',
      coordinate: 'Customer.billTo',
      authenticated: true,
    });
  });

  test('reject: refuses the whole operation with 403, listing every missing requirement', async () => {
    const module = createFieldAuthorizationModule(
      { onUnauthorized: 'reject' },
      { supergraph: switchyard },
    );
    const refusal = await run(
      module,
      '{ customer(id: "CUS-0001") { creditLimit { amount } openBalance { amount } name } }',
      consumer([]),
      {},
    ).catch((error) => error);
    expect(refusal).toBeInstanceOf(GovernanceError);
    expect(refusal.status).toBe(403);
    expect(refusal.toResponseBody().errors[0]).toEqual({
      message:
        'The operation selects fields this consumer may not see: Customer.creditLimit (requires @requiresScopes(scopes: [["credit:read"]])), Customer.openBalance (requires @requiresScopes(scopes: [["finance:read"]]))',
      extensions: {
        code: 'UNAUTHORIZED_FIELD_OR_TYPE',
        unauthorized: [
          {
            coordinate: 'Customer.creditLimit',
            path: ['customer', 'creditLimit'],
            requiresScopes: [['credit:read']],
          },
          {
            coordinate: 'Customer.openBalance',
            path: ['customer', 'openBalance'],
            requiresScopes: [['finance:read']],
          },
        ],
      },
    });
  });

  test('an unknown mode is refused when the module is built', () => {
    expect(() =>
      createFieldAuthorizationModule(
        { onUnauthorized: 'drop' as never },
        { supergraph: switchyard },
      ),
    ).toThrow('authorization.onUnauthorized must be "filter" or "reject", got "drop"');
  });
});
