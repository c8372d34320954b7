import { ApolloServer } from '@apollo/server';
import { buildSchema } from 'graphql';
import type { GatewayContext } from '../context';
import { GovernanceError } from './errors';
import type { GovernanceModule } from './module';
import { governancePlugin } from './operation-plugin';

const schema = buildSchema('type Query { hello: String }');

/** Runs one operation on an Apollo Server whose only plugin is governancePlugin(modules). */
async function run(modules: GovernanceModule[], query = '{ hello }') {
  const plugin = governancePlugin(modules);
  const server = new ApolloServer<GatewayContext>({
    schema,
    rootValue: { hello: () => 'world' },
    plugins: plugin ? [plugin] : [],
  });
  await server.start();
  try {
    const context: GatewayContext = {
      correlationId: 'c',
      startedAt: 0,
      consumer: null,
      client: { name: null, version: null },
      governance: {},
    };
    const response = await server.executeOperation({ query }, { contextValue: context });
    if (response.body.kind !== 'single') throw new Error('expected a single result');
    return { result: response.body.singleResult, status: response.http.status, context };
  } finally {
    await server.stop();
  }
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('governancePlugin', () => {
  test('calls each phase in module order, awaiting a module that answers with a promise before the next one', async () => {
    const calls: string[] = [];
    const modules: GovernanceModule[] = [
      {
        name: 'slow',
        operation: {
          async didResolveOperation() {
            await tick();
            calls.push('slow:didResolveOperation');
          },
          willSendResponse: () => void calls.push('slow:willSendResponse'),
        },
      },
      { name: 'no hooks' },
      {
        name: 'sync',
        operation: {
          didResolveOperation: () => void calls.push('sync:didResolveOperation'),
          responseForOperation: () => (calls.push('sync:responseForOperation'), null),
          willSendResponse: () => void calls.push('sync:willSendResponse'),
        },
      },
    ];
    const { result } = await run(modules);
    expect(result.data).toEqual({ hello: 'world' });
    expect(calls).toEqual([
      'slow:didResolveOperation',
      'sync:didResolveOperation',
      'sync:responseForOperation',
      'slow:willSendResponse',
      'sync:willSendResponse',
    ]);
  });

  test('the first module to refuse answers: later modules do not check the operation, but every module still sees the response', async () => {
    const seen: string[] = [];
    const refuse = (name: string): GovernanceModule => ({
      name,
      operation: {
        didResolveOperation() {
          seen.push(`${name} checked`);
          throw new GovernanceError('REFUSED_BY_' + name.toUpperCase(), `refused by ${name}`, {
            status: 403,
          });
        },
        willSendResponse: ({ response }) =>
          void seen.push(
            `${name} saw ${response.body.kind === 'single' ? response.body.singleResult.errors?.[0].extensions?.code : '?'}`,
          ),
      },
    });
    const { result, status } = await run([refuse('first'), refuse('second')]);
    expect(result.data).toBeUndefined();
    expect(result.errors?.map((e) => e.extensions?.code)).toEqual(['REFUSED_BY_FIRST']);
    expect(status).toBe(403);
    expect(seen).toEqual([
      'first checked',
      'first saw REFUSED_BY_FIRST',
      'second saw REFUSED_BY_FIRST',
    ]);
  });

  test('executionDidStart is called, in module order, only for an operation that passed every check and runs', async () => {
    const started: string[] = [];
    const watching = (name: string): GovernanceModule => ({
      name,
      operation: { executionDidStart: () => void started.push(name) },
    });
    await run([watching('first'), watching('second')]);
    expect(started).toEqual(['first', 'second']);

    started.length = 0;
    const refusing: GovernanceModule = {
      name: 'refusing',
      operation: {
        didResolveOperation() {
          throw new GovernanceError('REFUSED', 'refused', { status: 403 });
        },
      },
    };
    const answering: GovernanceModule = {
      name: 'answering',
      operation: {
        responseForOperation: () => ({
          body: { kind: 'single' as const, singleResult: { data: { hello: 'answered' } } },
          http: { status: undefined, headers: new Map() as never },
        }),
      },
    };
    await run([watching('first'), refusing]);
    await run([watching('first'), answering]);
    await run([watching('first')], '{ nosuchfield }');
    expect(started).toEqual([]);
  });

  test('responseForOperation: the first module with an answer replaces execution, asynchronous answers included', async () => {
    const asked: string[] = [];
    const answer = (name: string, async: boolean): GovernanceModule => ({
      name,
      operation: {
        responseForOperation() {
          asked.push(name);
          const response = {
            body: { kind: 'single' as const, singleResult: { data: { hello: `from ${name}` } } },
            http: { status: undefined, headers: new Map() as never },
          };
          return async ? Promise.resolve(response) : response;
        },
      },
    });
    const pass: GovernanceModule = {
      name: 'pass',
      operation: { responseForOperation: () => Promise.resolve(null) },
    };
    expect((await run([pass, answer('async', true), answer('sync', false)])).result.data).toEqual({
      hello: 'from async',
    });
    expect(asked).toEqual(['async']);
  });

  test('every phase sees the governance state the request started with, though Apollo Server clones the context', async () => {
    const seen: GatewayContext[] = [];
    const module: GovernanceModule = {
      name: 'remembers',
      operation: {
        didResolveOperation: ({ contextValue }) => void seen.push(contextValue),
        willSendResponse: ({ contextValue }) => void seen.push(contextValue),
      },
    };
    const { context } = await run([module]);
    expect(seen).toHaveLength(2);
    // A shallow clone per operation: state kept by context identity would be lost, state on `governance` is not.
    expect(seen[0]).not.toBe(context);
    for (const contextValue of seen) expect(contextValue.governance).toBe(context.governance);
  });

  test('no plugin at all when no module has operation hooks', () => {
    expect(governancePlugin([{ name: 'http only', onRequest: () => undefined }])).toBeNull();
    expect(governancePlugin([])).toBeNull();
  });
});
