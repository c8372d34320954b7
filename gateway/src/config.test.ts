import { defaultGatewayConfig, gatewayConfigFrom } from './config';

const from = (env: NodeJS.ProcessEnv, argv: string[] = []) => gatewayConfigFrom(argv, env);

describe('gateway configuration', () => {
  test('unset numbers take their defaults', () => {
    expect(from({})).toMatchObject({
      port: defaultGatewayConfig.port,
      subgraphTimeoutMs: defaultGatewayConfig.subgraphTimeoutMs,
    });
  });

  test('a port from 0 (the system picks a free one) to 65535 is read, from --port before PORT', () => {
    expect(from({ PORT: '0' }).port).toBe(0);
    expect(from({ PORT: '65535' }).port).toBe(65_535);
    expect(from({ PORT: '4100' }, ['--port', '4200']).port).toBe(4200);
  });

  test.each(['65536', '-1', 'eighty', '1e3', '0x10', '80.0', ' 80'])(
    'a port of %j is refused',
    (port) => {
      expect(() => from({ PORT: port })).toThrow(
        `port must be a whole number from 0 to 65535, got "${port}"`,
      );
    },
  );

  test('a subgraph timeout is a positive whole number of milliseconds a timer can hold', () => {
    expect(from({ SUBGRAPH_TIMEOUT_MS: '2500' }).subgraphTimeoutMs).toBe(2500);
    for (const timeout of ['0', '-5', '1.5', '2147483648', 'soon'])
      expect(() => from({ SUBGRAPH_TIMEOUT_MS: timeout })).toThrow(
        `SUBGRAPH_TIMEOUT_MS must be a whole number from 1 to 2147483647, got "${timeout}"`,
      );
  });
});
