import path from 'node:path';
import { parse } from 'graphql';
import { REPO_ROOT } from '../config';
import { supergraphForExecution } from '../security-features';
import { SupergraphSource } from '../supergraph-manager';
import { loadSupergraph } from '../supergraph-config';
import { OperationPlans } from './operation-plans';
import { shapeResponse } from './response-shape';

const source = new SupergraphSource(loadSupergraph(path.join(REPO_ROOT, 'supergraph.yaml')));
const plans = new OperationPlans(
  supergraphForExecution(source.current, 'governance'),
  source.apiSchema(),
);
const planned = (query: string, hash = query) => plans.operation(parse(query), hash, undefined);

describe('operations planned once and run by Switchyard unless the plan needs what only @apollo/gateway runs', () => {
  test('an operation across subgraphs is planned with fetches and run by Switchyard', () => {
    const operation = planned(
      '{ order(id: "ORD-000001") { id customer { name } lines { product { name } } } }',
    );
    expect(operation.delegateBecause).toBeNull();
    expect(operation.plan.node?.kind).toBe('Sequence');
  });

  test('the plan is kept under its document hash and operation name', () => {
    const query =
      'query A { customer(id: "CUS-0001") { id } } query B { product(id: "PRD-00001") { id } }';
    const a = plans.operation(parse(query), 'hash-ab', 'A');
    expect(plans.cached('hash-ab', 'A')).toBe(a);
    expect(plans.cached('hash-ab', 'B')).toBeUndefined();
    expect(plans.operation(parse(query), 'hash-ab', 'B').plan).not.toEqual(a.plan);
  });

  test.each([
    ['schema introspection', '{ __schema { queryType { name } } }', 'introspection'],
    [
      'type introspection in a fragment',
      '{ ...F } fragment F on Query { __type(name: "Order") { name } }',
      'introspection',
    ],
    [
      'a response key of Object.prototype',
      '{ constructor: customer(id: "CUS-0001") { id } }',
      'a response key of Object.prototype',
    ],
    [
      'a nested __proto__ alias',
      '{ customer(id: "CUS-0001") { __proto__: name } }',
      'a response key of Object.prototype',
    ],
  ])('%s goes to @apollo/gateway', (_name, query, reason) => {
    expect(planned(query).delegateBecause).toBe(reason);
  });

  test('a root __typename needs no fetch and is answered from the root type', () => {
    const operation = planned('{ __typename }');
    expect(operation.delegateBecause).toBeNull();
    expect(operation.plan.node).toBeUndefined();
    expect(shapeResponse(plans.apiSchema, operation.shapeFor({}), {}).data).toEqual({
      __typename: 'Query',
    });
  });

  test('one response shape per combination of @skip/@include values', () => {
    const operation = planned(
      'query ($withName: Boolean!) { customer(id: "CUS-0001") { id name @include(if: $withName) } }',
    );
    const input = { customer: { id: 'CUS-0001', name: 'Acme', creditLimit: 'extra' } };
    expect(
      shapeResponse(plans.apiSchema, operation.shapeFor({ withName: true }), input).data,
    ).toEqual({ customer: { id: 'CUS-0001', name: 'Acme' } });
    expect(
      shapeResponse(plans.apiSchema, operation.shapeFor({ withName: false }), input).data,
    ).toEqual({ customer: { id: 'CUS-0001' } });
    expect(operation.shapeFor({ withName: true })).toBe(operation.shapeFor({ withName: true }));
  });

  test('a type condition matches an object of an implementing type (requires in supergraph terms)', () => {
    expect(plans.isOfType('Order', 'Order')).toBe(true);
    expect(plans.isOfType('Order', 'Customer')).toBe(false);
    expect(plans.isOfType(undefined, 'Order')).toBe(false);
  });
});
