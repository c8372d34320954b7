import type {
  GraphQLRequestContextDidResolveOperation,
  GraphQLRequestContextWillSendResponse,
  GraphQLRequestListener,
} from '@apollo/server';
import { getOperationAST, parse, print, type DocumentNode } from 'graphql';
import type { GatewayContext } from '../../context';
import type { Consumer } from '../consumer';
import { GovernanceError } from '../errors';
import { governancePlugin } from '../operation-plugin';
import { composeSupergraph } from '../../supergraph-config';
import { SupergraphSource } from '../../supergraph-manager';
import { switchyard } from './testing/authorized-queries';
import { TYPE_MARKER } from './document-filter';
import { createFieldAuthorizationModule } from './field-authorization';

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

  test('removes a field guarded by @requiresScopes and @authenticated imported under other names', async () => {
    const supergraph = new SupergraphSource(
      composeSupergraph([
        {
          name: 'customers',
          url: 'http://127.0.0.1:9/customers',
          sdl: `extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key", {name: "@requiresScopes", as: "@scopes"}, {name: "@authenticated", as: "@signedIn"}])
type Customer @key(fields: "id") { id: ID! name: String creditLimit: Int @scopes(scopes: [["credit:read"]]) notes: String @signedIn }
type Query { customer(id: ID!): Customer }`,
        },
      ]),
    );
    expect(supergraph.current).toContain('import: [{name: "@requiresScopes", as: "@scopes"}]');
    const module = createFieldAuthorizationModule({}, { supergraph });
    const aliased = '{ customer(id: "C1") { name creditLimit notes } }';
    const request = await run(module, aliased, null, {
      customer: { name: 'Acme', [TYPE_MARKER]: 'Customer' },
    });
    expect(print(request.document)).not.toMatch(/creditLimit|notes/);
    expect(request.response.body.singleResult.data).toEqual({
      customer: { name: 'Acme', creditLimit: null, notes: null },
    });
    expect(request.response.body.singleResult.errors?.map((error) => error.extensions)).toEqual([
      {
        code: 'UNAUTHORIZED_FIELD_OR_TYPE',
        coordinate: 'Customer.creditLimit',
        requiresScopes: [['credit:read']],
      },
      { code: 'UNAUTHORIZED_FIELD_OR_TYPE', coordinate: 'Customer.notes', authenticated: true },
    ]);
    const allowed = await run(module, aliased, consumer(['credit:read']), {
      customer: { name: 'Acme', creditLimit: 10, notes: 'n' },
    });
    expect(allowed.queryHash).toBe('original-hash');
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
