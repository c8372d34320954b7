import { getOperationAST, print } from 'graphql';
import { SupergraphSource } from '../../supergraph-manager';
import { composeSupergraph } from '../../supergraph-config';
import { authorize, caller, switchyard } from './testing/authorized-queries';
import { TYPE_MARKER, type FieldAuthorization } from './document-filter';

const paths = (authorization: FieldAuthorization | null) =>
  authorization?.removed
    .map((field) => [...field.ancestors.map((a) => a.key), field.key].join('.'))
    .sort() ?? [];

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
