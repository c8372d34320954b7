import path from 'node:path';
import { buildSchema, printSchema, type GraphQLSchema } from 'graphql';
import { REPO_ROOT } from '../../config';
import { SupergraphSource } from '../../supergraph-manager';
import { loadSupergraph } from '../../supergraph-config';
import { contractFixtureSupergraph } from './testing/tagged-supergraph';
import { contractSchemaOf, type ContractFilter } from './contract-schema';

const fixture = new SupergraphSource(contractFixtureSupergraph());
const contractOf = (filter: ContractFilter, source = fixture) =>
  contractSchemaOf(source.apiSchema(), source.directives.tags, filter);
/** `Type.field` of every object and interface field, `Enum.VALUE`, `Input.field` and `Type.field(arg:)` of a schema, sorted. */
function coordinates(schema: GraphQLSchema): string[] {
  const found: string[] = [];
  for (const type of Object.values(schema.getTypeMap())) {
    if (
      type.name.startsWith('__') ||
      ['String', 'Int', 'Float', 'Boolean', 'ID'].includes(type.name)
    )
      continue;
    found.push(type.name);
    if ('getFields' in type) {
      for (const field of Object.values(type.getFields())) {
        found.push(`${type.name}.${field.name}`);
        for (const arg of 'args' in field ? field.args : [])
          found.push(`${type.name}.${field.name}(${arg.name}:)`);
      }
    }
    if ('getValues' in type)
      for (const value of type.getValues()) found.push(`${type.name}.${value.name}`);
    if ('getTypes' in type)
      for (const member of type.getTypes()) found.push(`${type.name}|${member.name}`);
  }
  return found.sort();
}

describe('tags declared in the supergraph', () => {
  test('the directive index holds @tag on types, fields, arguments, enum values, input fields and scalars, by coordinate', () => {
    const tags = fixture.directives.tags;
    expect(tags.get('Order')).toEqual(new Set(['partner']));
    expect(tags.get('Customer.name')).toEqual(new Set(['partner']));
    expect(tags.get('Query.orders(internalNote:)')).toEqual(new Set(['internal']));
    expect(tags.get('OrderStatus.INTERNAL_REVIEW')).toEqual(new Set(['internal']));
    expect(tags.get('PlaceOrderInput.priority')).toEqual(new Set(['internal']));
    expect(tags.get('Secret')).toEqual(new Set(['internal']));
    expect(tags.has('Customer.creditLimit')).toBe(false);
  });
});

describe('a contract schema derived by include and exclude tags', () => {
  test('include partner, exclude internal: only tagged fields (a tagged type lends its tag to its fields), what they need, and nothing excluded', () => {
    expect(coordinates(contractOf({ include: ['partner'], exclude: ['internal'] })!)).toEqual(
      [
        'Query',
        'Query.customer',
        'Query.customer(id:)',
        'Query.order',
        'Query.order(id:)',
        'Query.orders',
        'Query.orders(first:)',
        'Query.orders(status:)',
        'Query.node',
        'Query.node(id:)',
        'Order',
        'Order.id',
        'Order.status',
        'Order.customer',
        'Node',
        'Node.id',
        'Customer',
        'Customer.id',
        'Customer.name',
        'OrderStatus',
        'OrderStatus.OPEN',
        'OrderStatus.SHIPPED',
        'Mutation',
        'Mutation.placeOrder',
        'Mutation.placeOrder(input:)',
        'PlaceOrderInput',
        'PlaceOrderInput.customerId',
        'PlaceOrderInput.note',
        'PlaceOrderInput.lines',
      ].sort(),
    );
  });

  test('include leaves out untagged fields even of types it keeps (Customer.creditLimit), and a field whose type keeps nothing (Order.margin)', () => {
    const partner = contractOf({ include: ['partner'] })!;
    expect(partner.getType('Customer')).toBeDefined();
    expect(coordinates(partner)).not.toContain('Customer.creditLimit');
    expect(coordinates(partner)).not.toContain('Order.margin');
    expect(partner.getType('Margin')).toBeUndefined();
    // Without an exclude, internal elements of kept types stay: inclusion is by object and interface fields.
    expect(coordinates(partner)).toEqual(
      expect.arrayContaining([
        'Order.costTotal',
        'OrderStatus.INTERNAL_REVIEW',
        'PlaceOrderInput.priority',
        'Query.orders(internalNote:)',
      ]),
    );
  });

  test('an excluded required input field removes its input type and the field that needs it; an excluded optional one only itself', () => {
    const partner = contractOf({ include: ['partner'], exclude: ['internal'] })!;
    expect(partner.getType('RushInput')).toBeUndefined();
    expect(partner.getMutationType()!.getFields().rush).toBeUndefined();
    expect(
      Object.keys(
        (partner.getType('PlaceOrderInput') as never as { getFields(): object }).getFields(),
      ),
    ).toEqual(['customerId', 'note', 'lines']);
  });

  test('a tagged type nothing kept leads to is removed as unreachable; an untagged union is left out by include', () => {
    const partner = contractOf({ include: ['partner'] })!;
    expect(partner.getType('Unused')).toBeUndefined();
    expect(partner.getType('SearchHit')).toBeUndefined();
  });

  test('exclude alone keeps everything but the excluded elements and what cannot stand without them', () => {
    const open = contractOf({ exclude: ['internal'] })!;
    const all = coordinates(open);
    expect(all).toEqual(
      expect.arrayContaining([
        'Customer.creditLimit',
        'Query.margins',
        'Query.search',
        'SearchHit|Order',
        'SearchHit|Margin',
        'Mutation.repriceAll',
        'Audit.at',
      ]),
    );
    for (const gone of [
      'Order.costTotal',
      'OrderStatus.INTERNAL_REVIEW',
      'Query.orders(internalNote:)',
      'PlaceOrderInput.priority',
      'Secret',
      'Audit.secret',
      'RushInput',
      'Mutation.rush',
    ]) {
      expect(all).not.toContain(gone);
    }
  });

  test('the contract is a valid subset of the API schema: every coordinate it has, the API schema has', () => {
    const api = coordinates(fixture.apiSchema());
    for (const filter of [
      { include: ['partner'] },
      { exclude: ['internal'] },
      { include: ['partner'], exclude: ['internal'] },
    ]) {
      for (const coordinate of coordinates(contractOf(filter)!)) expect(api).toContain(coordinate);
    }
  });

  test('an interface field an implementation loses is removed from the interface, and a removed interface from the implementations', () => {
    const api = buildSchema(`
      interface Node { id: ID! secret: String }
      type Order implements Node { id: ID! secret: String }
      interface Legacy { code: String }
      type Invoice implements Node & Legacy { id: ID! secret: String code: String }
      type Query { node: Node order: Order invoice: Invoice }
    `);
    const tags = new Map([
      ['Query.node', new Set(['p'])],
      ['Query.order', new Set(['p'])],
      ['Query.invoice', new Set(['p'])],
      ['Node', new Set(['p'])],
      ['Order.id', new Set(['p'])],
      ['Invoice', new Set(['p'])],
    ]);
    const contract = contractSchemaOf(api, tags, { include: ['p'] })!;
    expect(printSchema(contract)).toBe(
      printSchema(
        buildSchema(`
        interface Node { id: ID! }
        type Order implements Node { id: ID! }
        type Invoice implements Node { id: ID! secret: String code: String }
        type Query { node: Node order: Order invoice: Invoice }
      `),
      ),
    );
  });

  test('a filter that keeps no root field exposes nothing: null', () => {
    expect(contractOf({ include: ['nobody-uses-this-tag'] })).toBeNull();
  });

  test('a tag both included and excluded is refused', () => {
    expect(() => contractOf({ include: ['partner'], exclude: ['partner'] })).toThrow(
      'a contract cannot include and exclude the same tag (partner)',
    );
  });

  test("Switchyard's own supergraph filters into a valid schema with an exclude contract, keeping its root fields", () => {
    const switchyard = new SupergraphSource(
      loadSupergraph(path.join(REPO_ROOT, 'supergraph.yaml')),
    );
    const open = contractOf({ exclude: ['nobody-uses-this-tag'] }, switchyard)!;
    expect(Object.keys(open.getQueryType()!.getFields()).sort()).toEqual(
      Object.keys(switchyard.apiSchema().getQueryType()!.getFields()).sort(),
    );
  });
});
