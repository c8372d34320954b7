import { DEVELOPMENT_IDENTITY_SECRET } from '@switchyard/kit';
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

  test('the subgraph deadline is 3 s unless set, globally or per subgraph (SUBGRAPH_TIMEOUT_MS_<NAME>)', () => {
    expect(from({})).toMatchObject({ subgraphTimeoutMs: 3_000, subgraphTimeoutsMs: {} });
    expect(from({ SUBGRAPH_TIMEOUT_MS_FINANCE: '800' }).subgraphTimeoutsMs).toEqual({
      finance: 800,
    });
    expect(() => from({ SUBGRAPH_TIMEOUT_MS_FINANCE: 'soon' })).toThrow(
      'SUBGRAPH_TIMEOUT_MS_FINANCE must be a whole number from 1 to 2147483647, got "soon"',
    );
  });

  test('the circuit breaker opens after 5 failures for 1 s doubling to 30 s unless set', () => {
    expect(from({}).circuitBreaker).toEqual({
      failureThreshold: 5,
      openMs: 1_000,
      maxOpenMs: 30_000,
    });
    expect(
      from({
        SUBGRAPH_CIRCUIT_FAILURES: '2',
        SUBGRAPH_CIRCUIT_OPEN_MS: '200',
        SUBGRAPH_CIRCUIT_MAX_OPEN_MS: '800',
      }).circuitBreaker,
    ).toEqual({ failureThreshold: 2, openMs: 200, maxOpenMs: 800 });
    expect(() => from({ SUBGRAPH_CIRCUIT_FAILURES: '0' })).toThrow(/SUBGRAPH_CIRCUIT_FAILURES/);
    expect(() =>
      from({ SUBGRAPH_CIRCUIT_OPEN_MS: '5000', SUBGRAPH_CIRCUIT_MAX_OPEN_MS: '1000' }),
    ).toThrow('SUBGRAPH_CIRCUIT_MAX_OPEN_MS must be a whole number from 5000');
  });

  test('identical subgraph queries in flight are deduplicated unless SUBGRAPH_DEDUPLICATION=0', () => {
    expect(from({}).deduplicateSubgraphRequests).toBe(true);
    expect(from({ SUBGRAPH_DEDUPLICATION: '' }).deduplicateSubgraphRequests).toBe(true);
    expect(from({ SUBGRAPH_DEDUPLICATION: '1' }).deduplicateSubgraphRequests).toBe(true);
    expect(from({ SUBGRAPH_DEDUPLICATION: '0' }).deduplicateSubgraphRequests).toBe(false);
    expect(() => from({ SUBGRAPH_DEDUPLICATION: 'off' })).toThrow(
      'SUBGRAPH_DEDUPLICATION must be 1 (on) or 0 (off), got "off"',
    );
  });
});

describe('the identity secret', () => {
  test('outside production an unset SWITCHYARD_IDENTITY_SECRET is the development secret', () => {
    expect(from({}).identitySecret).toBe(DEVELOPMENT_IDENTITY_SECRET);
  });

  test.each([
    ['unset', {}],
    ['the development secret', { SWITCHYARD_IDENTITY_SECRET: DEVELOPMENT_IDENTITY_SECRET }],
    ['too short', { SWITCHYARD_IDENTITY_SECRET: 'a-secret-of-24-characters' }],
  ])('with NODE_ENV=production a secret that is %s stops the gateway', (_what, env) => {
    expect(() => from({ NODE_ENV: 'production', ...env })).toThrow(/SWITCHYARD_IDENTITY_SECRET/);
  });

  test('with NODE_ENV=production a secret of its own is used', () => {
    const secret = 's'.repeat(48);
    expect(
      from({ NODE_ENV: 'production', SWITCHYARD_IDENTITY_SECRET: secret }).identitySecret,
    ).toBe(secret);
  });
});

describe('ungoverned', () => {
  test('is off unless --ungoverned or SWITCHYARD_UNGOVERNED=1 says so', () => {
    expect(from({}).ungoverned).toBe(false);
    expect(from({ SWITCHYARD_UNGOVERNED: '0' }).ungoverned).toBe(false);
    expect(from({ SWITCHYARD_UNGOVERNED: '' }).ungoverned).toBe(false);
    expect(from({ SWITCHYARD_UNGOVERNED: '1' }).ungoverned).toBe(true);
    expect(from({}, ['--ungoverned']).ungoverned).toBe(true);
  });

  test.each(['yes', 'true', 'on', ' 1', '2'])(
    'SWITCHYARD_UNGOVERNED=%j is refused, not guessed at',
    (value) => {
      expect(() => from({ SWITCHYARD_UNGOVERNED: value })).toThrow(
        `SWITCHYARD_UNGOVERNED must be 1 (on) or 0 (off), got "${value}"`,
      );
    },
  );
});

describe('the supergraph registry', () => {
  test('unset: the supergraph comes from the file; the disk copy lives under DATA_DIR or .data', () => {
    expect(from({})).toMatchObject({
      registryUrl: null,
      registryToken: null,
      supergraphCacheFile: defaultGatewayConfig.supergraphCacheFile,
    });
    expect(from({ DATA_DIR: '/var/lib/switchyard' }).supergraphCacheFile).toBe(
      '/var/lib/switchyard/gateway/supergraph.graphql',
    );
    expect(from({ SUPERGRAPH_CACHE_FILE: '/tmp/sg.graphql' }).supergraphCacheFile).toBe(
      '/tmp/sg.graphql',
    );
  });

  test('REGISTRY_URL or --registry with REGISTRY_TOKEN', () => {
    const env = { REGISTRY_URL: 'http://127.0.0.1:4010/', REGISTRY_TOKEN: 'dev-gateway' };
    expect(from(env)).toMatchObject({
      registryUrl: 'http://127.0.0.1:4010',
      registryToken: 'dev-gateway',
    });
    expect(from(env, ['--registry', 'https://registry.internal']).registryUrl).toBe(
      'https://registry.internal',
    );
  });

  test.each(['registry:4010', 'ftp://registry', 'not a url'])(
    'REGISTRY_URL=%j is refused',
    (url) => {
      expect(() => from({ REGISTRY_URL: url, REGISTRY_TOKEN: 'k' })).toThrow(
        `REGISTRY_URL must be an http(s) URL, got "${url}"`,
      );
    },
  );

  test('a registry without REGISTRY_TOKEN is refused (it answers no anonymous caller)', () => {
    expect(() => from({ REGISTRY_URL: 'http://127.0.0.1:4010' })).toThrow(
      /REGISTRY_TOKEN is not set/,
    );
  });
});

describe('the governance store', () => {
  test('SQLite under DATA_DIR by default, Redis when REDIS_URL is set, memory only when asked for', () => {
    expect(from({})).toMatchObject({
      governanceStore: 'sqlite',
      governanceStoreFile: defaultGatewayConfig.governanceStoreFile,
    });
    expect(from({ DATA_DIR: '/var/lib/switchyard' }).governanceStoreFile).toBe(
      '/var/lib/switchyard/governance.sqlite',
    );
    expect(from({ GOVERNANCE_STORE_FILE: '/tmp/g.sqlite' }).governanceStoreFile).toBe(
      '/tmp/g.sqlite',
    );
    expect(from({ REDIS_URL: 'redis://127.0.0.1:6379' }).governanceStore).toBe('redis');
    expect(
      from({ REDIS_URL: 'redis://127.0.0.1:6379', GOVERNANCE_STORE: 'sqlite' }).governanceStore,
    ).toBe('sqlite');
    expect(from({ GOVERNANCE_STORE: 'memory' }).governanceStore).toBe('memory');
  });

  test('an unknown kind, or redis without REDIS_URL, is refused', () => {
    expect(() => from({ GOVERNANCE_STORE: 'postgres' })).toThrow(
      'GOVERNANCE_STORE must be one of sqlite, redis, memory, got "postgres"',
    );
    expect(() => from({ GOVERNANCE_STORE: 'redis' })).toThrow(
      'GOVERNANCE_STORE is redis but REDIS_URL is not set',
    );
  });
});
