import type { GraphQLObjectType } from 'graphql';
import { authorize, caller, switchyard } from './testing/authorized-queries';
import { TYPE_MARKER, type RemovedField } from './document-filter';
import { nullRemovedFields } from './response-patch';

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
