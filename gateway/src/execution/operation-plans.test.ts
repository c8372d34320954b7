import path from 'node:path';
import { parse } from 'graphql';
import { REPO_ROOT } from '../config';
import { supergraphForExecution } from '../security-features';
import { SupergraphSource } from '../supergraph-manager';
import { loadSupergraph } from '../supergraph-config';
import { OperationPlans } from './operation-plans';
import type { FetchNode, PlanNode, SequenceNode } from './planning/plan';
import { shapeResponse } from './response-shape';

const source = new SupergraphSource(loadSupergraph(path.join(REPO_ROOT, 'supergraph.yaml')));
const plans = new OperationPlans(
  supergraphForExecution(source.current, 'governance'),
  source.apiSchema(),
);
const planned = (query: string, hash = query) => plans.operation(parse(query), hash, undefined);

describe("operations planned once with Hive Router's planner and run by Switchyard", () => {
  test('an operation across subgraphs is planned with fetches and run by Switchyard', () => {
    const operation = planned(
      '{ order(id: "ORD-000001") { id customer { name } lines { product { name } } } }',
    );
    expect(operation.refusal).toBeNull();
    expect(operation.plan?.kind).toBe('Sequence');
  });

  test("subgraph operations are named after the client's as @apollo/gateway names them", () => {
    const operation = planned(
      'query OrderPage { order(id: "ORD-000001") { id customer { name } } }',
    );
    const names: (string | undefined)[] = [];
    const walk = (node: PlanNode | undefined): void => {
      if (!node) return;
      if (node.kind === 'Fetch') names.push(node.operationName);
      else if (node.kind === 'Condition') [node.ifClause, node.elseClause].forEach(walk);
      else node.nodes.forEach(walk);
    };
    walk(operation.plan);
    expect(names).toEqual(['OrderPage__orders__0', 'OrderPage__customers__1']);
    expect(planned('{ order(id: "ORD-000001") { id } }').plan).toMatchObject({
      kind: 'Fetch',
      operationName: undefined,
    });
  });

  test('sibling objects of one type are fetched from a subgraph in one request (a batch of aliased _entities)', () => {
    const operation = planned(
      '{ a: order(id: "ORD-000001") { customer { name } } b: order(id: "ORD-000002") { customer { name } } }',
    );
    const plan = operation.plan as SequenceNode;
    const customers = plan.nodes.filter(
      (node) => node.kind === 'Fetch' && node.serviceName === 'customers',
    ) as FetchNode[];
    expect(customers).toHaveLength(1);
    expect(customers[0].entities.flatMap((entity) => entity.paths)).toEqual([
      ['a', 'customer'],
      ['b', 'customer'],
    ]);
  });

  test('a subscription is refused with the code the server refuses it with', () => {
    const operation = planned('subscription { __typename }');
    expect(operation.plan).toBeUndefined();
    expect(operation.refusal?.extensions.code).toBe('SUBSCRIPTION_NOT_SUPPORTED');
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
    ['schema introspection', '{ __schema { queryType { name } } }', false],
    [
      'type introspection in a fragment',
      '{ ...F } fragment F on Query { __type(name: "Order") { name } }',
      false,
    ],
    [
      'introspection beside a planned field',
      '{ __type(name: "Order") { name } customer(id: "CUS-0001") { id } }',
      true,
    ],
    [
      'a response key of Object.prototype',
      '{ constructor: customer(id: "CUS-0001") { id } }',
      true,
    ],
    ['a nested __proto__ alias', '{ customer(id: "CUS-0001") { __proto__: name } }', true],
  ])('%s is run by Switchyard', (_name, query, fetches) => {
    const operation = planned(query);
    expect(operation.refusal).toBeNull();
    expect(!!operation.plan).toBe(fetches);
    expect(!!operation.introspection).toBe(/__schema|__type\b/.test(query));
  });

  test('an operation the planner finds no way to fetch is refused with a stable code, never delegated', () => {
    // A planned document the API schema would refuse: the planner is the last line, and says why.
    const operation = planned('{ customer(id: "CUS-0001") { noSuchField } }');
    expect(operation.plan).toBeUndefined();
    expect(operation.refusal?.extensions).toEqual({
      code: 'QUERY_PLANNING_FAILED',
      http: { status: 400 },
    });
  });

  test('a root __typename needs no fetch and is answered from the root type', () => {
    const operation = planned('{ __typename }');
    expect(operation.plan).toBeUndefined();
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
