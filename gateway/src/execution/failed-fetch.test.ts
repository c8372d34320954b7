import { GraphQLError, parse } from 'graphql';
import type { FetchNode } from './planning/plan';
import { failedFetchErrors, fieldsOf } from './failed-fetch';

const isOfType = (typename: unknown, condition: string) =>
  typename === condition ||
  (condition === 'Node' && (typename === 'Order' || typename === 'Invoice'));

const fetchOf = (operation: string): FetchNode => ({
  kind: 'Fetch',
  serviceName: 'finance',
  operation,
  document: parse(operation),
  variableUsages: [],
  isMutation: false,
  outputRewrites: [],
  entities: [],
});

describe('the fields a failed fetch was to fill', () => {
  test('a root fetch: its root selections by response key, aliases included, __typename left out', () => {
    const fields = fieldsOf(
      fetchOf('{ __typename invoices(first: 2) { id } due: aging { total } }'),
      null,
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
      ),
      '_entities',
      isOfType,
    );
    expect(fields.keysFor('Order')).toEqual(['invoices', 'id']);
    expect(fields.keysFor('Customer')).toEqual(['openBalance', 'creditExposure']);
  });

  test('a batched entity fetch: the selections of the `_entities` field under the alias asked for', () => {
    const fetch = fetchOf(
      `query ($r0: [_Any!]!, $r1: [_Any!]!) {
         _e0: _entities(representations: $r0) { ... on Order { invoices { id } } }
         _e1: _entities(representations: $r1) { ... on Order { payments { id } } }
       }`,
    );
    expect(fieldsOf(fetch, '_e0', isOfType).keysFor('Order')).toEqual(['invoices']);
    expect(fieldsOf(fetch, '_e1', isOfType).keysFor('Order')).toEqual(['payments']);
  });
});

test("one error per object and field, at its path, with the failure's code and the subgraph's name", () => {
  const failure = new GraphQLError('Subgraph "finance" is unavailable: connection refused', {
    extensions: { code: 'SUBGRAPH_UNAVAILABLE' },
  });
  const fields = fieldsOf(
    fetchOf(
      'query ($representations: [_Any!]!) { _entities(representations: $representations) { ... on Order { invoices { id } } } }',
    ),
    '_entities',
    isOfType,
  );
  const errors = failedFetchErrors(failure, 'finance', [
    { path: ['orders', 'edges', 0, 'node'], keys: fields.keysFor('Order') },
    { path: ['orders', 'edges', 2, 'node'], keys: fields.keysFor('Order') },
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
