import { DEVELOPMENT_REGISTRY_CONFIG, registryConfigFrom } from './config';

test('outside production the development files and defaults apply', () => {
  const config = registryConfigFrom({});
  expect(config).toMatchObject({
    host: '127.0.0.1',
    port: 4010,
    configFile: DEVELOPMENT_REGISTRY_CONFIG,
    graph: 'switchyard',
    approvalTtlMs: 7 * 86_400_000,
    gatewayUrl: 'http://127.0.0.1:4000',
    gatewayAdminKey: 'dev-platform-admin',
    seedFile: null,
    seedRoutingUrls: {},
  });
  expect(config.governanceFile).toMatch(/gateway\/governance\.dev\.yaml$/);
  expect(registryConfigFrom({ APPROVAL_TTL: '2d', PORT: '0' })).toMatchObject({
    approvalTtlMs: 2 * 86_400_000,
    port: 0,
  });
});

test('production refuses to start without its own consumers file, governance file and admin key, or with the development consumers file', () => {
  const production = {
    NODE_ENV: 'production',
    REGISTRY_CONFIG: '/etc/switchyard/registry.yaml',
    GOVERNANCE_FILE: '/etc/switchyard/governance.yaml',
    REGISTRY_GATEWAY_ADMIN_KEY: 'k',
  };
  expect(registryConfigFrom(production).configFile).toBe('/etc/switchyard/registry.yaml');
  expect(() => registryConfigFrom({ ...production, REGISTRY_CONFIG: '' })).toThrow(
    /REGISTRY_CONFIG is not set/,
  );
  expect(() =>
    registryConfigFrom({ ...production, REGISTRY_CONFIG: DEVELOPMENT_REGISTRY_CONFIG }),
  ).toThrow(/development consumers file/);
  expect(() => registryConfigFrom({ ...production, GOVERNANCE_FILE: '' })).toThrow(
    /GOVERNANCE_FILE is not set/,
  );
  expect(() => registryConfigFrom({ ...production, REGISTRY_GATEWAY_ADMIN_KEY: '' })).toThrow(
    /REGISTRY_GATEWAY_ADMIN_KEY is not set/,
  );
});

test('bad values are refused, not guessed at', () => {
  expect(() => registryConfigFrom({ PORT: '4o10' })).toThrow(/PORT must be a whole number/);
  expect(() => registryConfigFrom({ APPROVAL_TTL: 'a week' })).toThrow(/APPROVAL_TTL/);
  expect(() => registryConfigFrom({ REGISTRY_GATEWAY_URL: 'ftp://x' })).toThrow(
    /REGISTRY_GATEWAY_URL must be an http\(s\) URL/,
  );
  expect(() => registryConfigFrom({ REGISTRY_GRAPH: '../x' })).toThrow(/REGISTRY_GRAPH/);
  expect(() => registryConfigFrom({ SUBGRAPH_URL_ORDERS: 'orders:4004' })).toThrow(
    /SUBGRAPH_URL_ORDERS must be an http\(s\) URL/,
  );
});

test('SUBGRAPH_URL_<NAME> gives the routing URL the seed records for that subgraph, as at the gateway', () => {
  expect(
    registryConfigFrom({
      SUBGRAPH_URL_ORDERS: 'http://orders:4004/graphql',
      SUBGRAPH_URL_FINANCE: '',
    }).seedRoutingUrls,
  ).toEqual({ orders: 'http://orders:4004/graphql' });
});
