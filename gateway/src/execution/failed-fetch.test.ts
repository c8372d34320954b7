import type { FetchNode } from '@apollo/query-planner';
import { GraphQLError } from 'graphql';
import { failedFetchErrors, fieldsOf } from './failed-fetch';

const isOfType = (typename: unknown, condition: string) =>
  typename === condition ||
  (condition === 'Node' && (typename === 'Order' || typename === 'Invoice'));

const fetchOf = (operation: string, entities: boolean) =>
  ({
    kind: 'Fetch',
    serviceName: 'finance',
    operation,
    requires: entities ? [] : undefined,
  }) as unknown as FetchNode;

describe('the fields a failed fetch was to fill', () => {
  test('a root fetch: its root selections by response key, aliases included, __typename left out', () => {
    const fields = fieldsOf(
      fetchOf('{ __typename invoices(first: 2) { id } due: aging { total } }', false),
      isOfType,
    );
    expect(fields.keysFor(undefined)).toEqual(['invoices', 'due']);
  });

  test("an entity fetch: the selections of _entities whose type condition the object's type meets, through named fragments", () => {
    const fields = fieldsOf(
      fetchOf(
        `query ($representations: [_Any!]!) { _entities(representations: $representations) {
           __typename ... on Order { invoices { id } } ... on Customer { openBalance { amount } ...Credit }
           ... on Node { id }
         } }
         fragment Credit on Customer { creditExposure { amount } }`,
        true,
      ),
      isOfType,
    );
    expect(fields.keysFor('Order')).toEqual(['invoices', 'id']);
    expect(fields.keysFor('Customer')).toEqual(['openBalance', 'creditExposure']);
  });
});

test("one error per object and field, at its path, with the failure's code and the subgraph's name", () => {
  const failure = new GraphQLError('Subgraph "finance" is unavailable: connection refused', {
    extensions: { code: 'SUBGRAPH_UNAVAILABLE' },
  });
  const fields = fieldsOf(
    fetchOf(
      'query ($representations: [_Any!]!) { _entities(representations: $representations) { ... on Order { invoices { id } } } }',
      true,
    ),
    isOfType,
  );
  const errors = failedFetchErrors(failure, 'finance', fields, [
    { path: ['orders', 'edges', 0, 'node'], typename: 'Order' },
    { path: ['orders', 'edges', 2, 'node'], typename: 'Order' },
  ]);
  expect(errors.map((error) => error.toJSON())).toEqual([
    {
      message: 'Subgraph "finance" is unavailable: connection refused',
      path: ['orders', 'edges', 0, 'node', 'invoices'],
      extensions: { code: 'SUBGRAPH_UNAVAILABLE', serviceName: 'finance' },
    },
    {
      message: 'Subgraph "finance" is unavailable: connection refused',
      path: ['orders', 'edges', 2, 'node', 'invoices'],
      extensions: { code: 'SUBGRAPH_UNAVAILABLE', serviceName: 'finance' },
    },
  ]);
});
