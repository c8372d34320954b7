import Fastify from 'fastify';
import { execute, getOperationAST, parse, printSchema, type GraphQLSchema } from 'graphql';
import type { GatewayContext } from '../../context';
import { SupergraphSource } from '../../supergraph-manager';
import type { Consumer } from '../consumer';
import {
  contractFixtureSupergraph,
  CUSTOMERS_SUBGRAPH,
  ORDERS_SUBGRAPH,
} from './testing/tagged-supergraph';
import {
  ContractValidationError,
  createContractsModule,
  introspectionOnly,
  type ContractsModule,
} from './contracts';

const consumer = (id: string, contract: string | null): Consumer => ({
  id,
  name: id,
  kind: 'distributor',
  scopes: [],
  tenant: null,
  tier: 'bronze',
  persistedOperations: 'allow',
  contract,
  requireClientName: false,
  requireOperationName: false,
});
const CONTRACTS = {
  partner: { include: ['partner'], exclude: ['internal'] },
  closed: { include: ['nobody-uses-this-tag'] },
};

function setUp() {
  const supergraph = new SupergraphSource(contractFixtureSupergraph());
  const problems: string[] = [];
  const module = createContractsModule(
    { contracts: CONTRACTS },
    { supergraph, onContractProblem: (_name, problem) => problems.push(problem) },
  );
  return { supergraph, module, problems };
}

/** The contract check of one request, as the gateway runs it before Apollo Server: the refusal, or null. */
function check(
  module: ContractsModule,
  who: Consumer,
  query: string,
): ContractValidationError | null {
  const context: GatewayContext = {
    correlationId: 'test',
    startedAt: 0,
    consumer: who,
    client: { name: null, version: null },
    governance: {},
  };
  try {
    const returned = module.onRequest!({
      method: 'POST',
      headers: {},
      body: { query },
      context,
      responseHeaders: {},
    });
    expect(returned).toBeUndefined(); // decided synchronously, before Apollo Server
    return null;
  } catch (error) {
    if (error instanceof ContractValidationError) return error;
    throw error;
  }
}

describe('operations of a consumer bound to a contract', () => {
  test("a document inside the contract passes; one selecting a field outside it is GRAPHQL_VALIDATION_FAILED (400) with graphql-js's message and location", () => {
    const { module } = setUp();
    const partner = consumer('acme', 'partner');
    expect(
      check(
        module,
        partner,
        'query Order($id: ID!) { order(id: $id) { id status customer { name } } }',
      ),
    ).toBeNull();

    const refused = check(
      module,
      partner,
      'query Credit { customer(id: "C1") {\n  name\n  creditLimit\n} }',
    )!;
    expect(refused.status).toBe(400);
    expect(refused.toResponseBody()).toEqual({
      errors: [
        {
          message: 'Cannot query field "creditLimit" on type "Customer".',
          locations: [{ line: 3, column: 3 }],
          extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
        },
      ],
    });
  });

  test('every error of the document is answered, and suggestions never name a field outside the contract', () => {
    const { module } = setUp();
    const refused = check(
      module,
      consumer('acme', 'partner'),
      '{ customer(id: "C1") { nam creditLimi } margins { percent } }',
    )!;
    expect(refused.toResponseBody().errors.map((error) => error.message)).toEqual([
      'Cannot query field "nam" on type "Customer". Did you mean "name"?',
      'Cannot query field "creditLimi" on type "Customer".',
      'Cannot query field "margins" on type "Query".',
    ]);
    expect(JSON.stringify(refused.toResponseBody())).not.toContain('creditLimit');
  });

  test('a consumer without a contract is not checked; a document that does not parse is left to Apollo Server', () => {
    const { module } = setUp();
    expect(
      check(
        module,
        consumer('portal', null),
        '{ customer(id: "C1") { creditLimit } margins { percent } }',
      ),
    ).toBeNull();
    expect(check(module, consumer('acme', 'partner'), '{ customer(')).toBeNull();
  });

  test('a contract whose tags select nothing refuses every operation, and is reported when the module starts', () => {
    const { module, problems } = setUp();
    expect(module.schemaOf('closed')).toBeNull();
    expect(problems).toEqual([
      'contract "closed" selects no root field (tags include nobody-uses-this-tag): its consumers are refused every operation',
    ]);
    expect(check(module, consumer('shut-out', 'closed'), '{ __typename }')!.message).toBe(
      'The "closed" contract exposes no fields: this consumer may run no operation',
    );
  });

  test('the contract is rebuilt when the supergraph is swapped: a field tagged in the new one is accepted, and the cached outcome is not reused', () => {
    const { supergraph, module } = setUp();
    const partner = consumer('acme', 'partner');
    const query = '{ customer(id: "C1") { creditLimit } }';
    expect(check(module, partner, query)).not.toBeNull();
    supergraph.update(
      contractFixtureSupergraph(
        ORDERS_SUBGRAPH,
        CUSTOMERS_SUBGRAPH.replace('creditLimit: Int', 'creditLimit: Int @tag(name: "partner")'),
      ),
    );
    expect(check(module, partner, query)).toBeNull();
    expect(module.schemaOf('partner')!.getType('Customer')).toHaveProperty('_fields.creditLimit');
  });
});

test('a contract filters on @tag under the name the subgraphs import it as (import: [{name: "@tag", as: "@label"}])', () => {
  const aliased = (sdl: string) =>
    sdl.replace('"@tag"', '{name: "@tag", as: "@label"}').replaceAll('@tag(', '@label(');
  const supergraph = new SupergraphSource(
    contractFixtureSupergraph(aliased(ORDERS_SUBGRAPH), aliased(CUSTOMERS_SUBGRAPH)),
  );
  expect(supergraph.current).toContain('import: [{name: "@tag", as: "@label"}]');
  const module = createContractsModule({ contracts: CONTRACTS }, { supergraph });
  const partner = consumer('acme', 'partner');
  expect(check(module, partner, '{ customer(id: "C1") { id name } }')).toBeNull();
  expect(check(module, partner, '{ customer(id: "C1") { creditLimit } }')).not.toBeNull();
  expect(printSchema(module.schemaOf('partner')!)).toBe(
    printSchema(setUp().module.schemaOf('partner')!),
  );
});

describe('introspection of a contract', () => {
  const introspect = (
    schema: GraphQLSchema,
    query: string,
    variables: Record<string, unknown> = {},
  ) => {
    const document = parse(query);
    return execute({
      schema,
      document: introspectionOnly(document, getOperationAST(document)!)!,
      variableValues: variables,
    });
  };

  test('keeps only the __schema / __type root fields of the operation (through fragments), answered from the contract schema', async () => {
    const { module } = setUp();
    const partner = module.schemaOf('partner')!;
    const answer = await introspect(
      partner,
      'query Mixed($name: String!) { order(id: "1") { id } ...Types customer: __type(name: $name) { fields { name } } } fragment Types on Query { __schema { queryType { fields { name } } } }',
      { name: 'Customer' },
    );
    expect(answer.errors).toBeUndefined();
    expect(answer.data).toEqual({
      customer: { fields: [{ name: 'id' }, { name: 'name' }] },
      __schema: {
        queryType: {
          fields: [{ name: 'customer' }, { name: 'order' }, { name: 'orders' }, { name: 'node' }],
        },
      },
    });
  });

  test('an operation without introspection root fields has nothing to replace', () => {
    const document = parse('{ order(id: "1") { id __typename } __typename }');
    expect(introspectionOnly(document, getOperationAST(document)!)).toBeNull();
  });
});

test('GET /admin/contracts/:name serves the contract schema, for the partners it is written for', async () => {
  const { module } = setUp();
  const admin = Fastify();
  await admin.register(async (scope) => module.adminRoutes!(scope), { prefix: '/admin' });
  const partner = await admin.inject({ method: 'GET', url: '/admin/contracts/partner' });
  expect(partner.statusCode).toBe(200);
  expect(partner.json()).toMatchObject({
    contract: 'partner',
    include: ['partner'],
    exclude: ['internal'],
    empty: false,
  });
  expect(partner.json().sdl).toContain('type Customer {\n  id: ID!\n  name: String!\n}');
  expect(
    (await admin.inject({ method: 'GET', url: '/admin/contracts/closed' })).json(),
  ).toMatchObject({ empty: true, sdl: null });
  expect((await admin.inject({ method: 'GET', url: '/admin/contracts/retail' })).statusCode).toBe(
    404,
  );
  await admin.close();
});
