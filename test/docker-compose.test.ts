/**
 * docker-compose.yml is the production-like topology: governed, NODE_ENV=production, its secrets
 * from .env (not in the repository), every variable documented in .env.example. Docker is not
 * needed: the file is parsed (YAML merge keys as Compose reads them) and checked.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { loadGovernanceConfig } from '../gateway/src/governance/governance-config';
import { identitySecretFrom } from '@switchyard/kit';
import { gatewayConfigFrom } from '../gateway/src/config';
import { registryConfigFrom } from '../registry/src/config';

const ROOT = path.resolve(__dirname, '..');
const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');

interface Service {
  command?: string[];
  env_file?: string[];
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition: string }>;
  volumes?: string[];
}
const compose = parse(read('docker-compose.yml'), { merge: true }) as {
  services: Record<string, Service>;
  volumes: Record<string, unknown>;
};
const SUBGRAPHS = ['customers', 'catalog', 'inventory', 'orders', 'shipments', 'finance'];

/** `KEY=value` lines of .env.example, comments and blank lines aside. */
const example = new Map(
  read('.env.example')
    .split('\n')
    .filter((line) => /^[A-Z_][A-Z0-9_]*=/.test(line))
    .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
);

describe('docker-compose.yml', () => {
  test('runs the gateway governed by a file of the repository, in production, with .env', () => {
    const gateway = compose.services.gateway;
    expect(gateway.env_file).toEqual(['.env']);
    expect(gateway.environment).toMatchObject({
      NODE_ENV: 'production',
      GOVERNANCE_FILE: 'gateway/governance.compose.yaml',
    });
    expect(read('Dockerfile')).toContain('gateway/governance.compose.yaml');
  });

  test.each(SUBGRAPHS)('runs %s in production with .env (its identity secret)', (name) => {
    expect(compose.services[name].env_file).toEqual(['.env']);
    expect(compose.services[name].environment).toMatchObject({ NODE_ENV: 'production' });
  });

  test('every variable it and the governance file read is documented in .env.example', () => {
    const interpolated = [...read('docker-compose.yml').matchAll(/\$\{([A-Z_][A-Z0-9_]*)/g)].map(
      (match) => match[1],
    );
    const secretEnvs = [
      'gateway/governance.compose.yaml',
      'registry/registry.compose.yaml',
    ].flatMap((file) => [...read(file).matchAll(/secretEnv: (\w+)/g)].map((match) => match[1]));
    expect(interpolated).toContain('POSTGRES_PASSWORD');
    expect(secretEnvs).toEqual(['SWITCHYARD_JWT_SECRET', 'SWITCHYARD_JWT_SECRET']);
    // What the services read from .env (env_file) and not from the compose file itself.
    const fromEnvFile = [
      'SWITCHYARD_IDENTITY_SECRET',
      'NODE_ENV',
      'REGISTRY_GATEWAY_ADMIN_KEY',
      'REGISTRY_TOKEN',
    ];
    for (const name of [...interpolated, ...secretEnvs, ...fromEnvFile])
      expect({ name, documented: example.has(name) }).toEqual({ name, documented: true });
    expect(example.get('NODE_ENV')).toBe('production');
  });

  test('the secrets stay out of the repository and the image', () => {
    expect(read('.gitignore').split('\n')).toContain('.env');
    expect(read('.dockerignore').split('\n')).toContain('.env');
    expect(read('docker-compose.yml')).not.toMatch(/PASSWORD: switchyard|switchyard:switchyard@/);
  });

  test('.env.example copied unchanged starts nothing: its secrets are empty', () => {
    const env = Object.fromEntries(example);
    expect(() => identitySecretFrom(env)).toThrow(/SWITCHYARD_IDENTITY_SECRET is not set/);
    expect(() =>
      loadGovernanceConfig(path.join(ROOT, 'gateway/governance.compose.yaml'), env),
    ).toThrow(/SWITCHYARD_JWT_SECRET, which is not set/);
  });

  test('with secrets filled in, the governance file is valid and enforces field authorization', () => {
    const config = loadGovernanceConfig(path.join(ROOT, 'gateway/governance.compose.yaml'), {
      SWITCHYARD_JWT_SECRET: 'j'.repeat(32),
    });
    expect(config.modules).toMatchObject({ identity: true, authorization: true });
    expect(config.identity.anonymousConsumer).toBeNull();
    expect(config.consumers.every((consumer) => consumer.apiKeys.length === 0)).toBe(true);
  });

  describe('the schema registry', () => {
    const registry = compose.services.registry;

    test('runs its bundle in production with .env, on PostgreSQL, seeded from supergraph.yaml', () => {
      expect(registry.command).toEqual(['node', 'registry/dist/main.js']);
      expect(registry.env_file).toEqual(['.env']);
      expect(registry.environment).toMatchObject({
        NODE_ENV: 'production',
        PORT: '4010',
        REGISTRY_CONFIG: 'registry/registry.compose.yaml',
        GOVERNANCE_FILE: 'gateway/governance.compose.yaml',
        REGISTRY_GATEWAY_URL: 'http://gateway:4000',
        REGISTRY_SEED: 'supergraph.yaml',
      });
      expect(registry.environment?.DATABASE_URL).toMatch(
        /^postgres:\/\/switchyard:\$\{POSTGRES_PASSWORD:\?/,
      );
      expect(new URL(registry.environment!.DATABASE_URL.replace(/\$\{[^}]*\}/, 'p')).host).toBe(
        'postgres:5432',
      );
      expect(registry.depends_on?.postgres).toEqual({ condition: 'service_healthy' });
    });

    test('its production config check passes with the compose values and the tokens filled in, and refuses .env.example unchanged', () => {
      const env = { ...Object.fromEntries(example), ...registry.environment };
      expect(() => registryConfigFrom(env)).toThrow(/REGISTRY_GATEWAY_ADMIN_KEY is not set/);
      const config = registryConfigFrom({ ...env, REGISTRY_GATEWAY_ADMIN_KEY: 'a.jwt.token' });
      expect(config).toMatchObject({
        port: 4010,
        configFile: path.join(ROOT, 'registry/registry.compose.yaml'),
        governanceFile: path.join(ROOT, 'gateway/governance.compose.yaml'),
        seedFile: path.join(ROOT, 'supergraph.yaml'),
        gatewayUrl: 'http://gateway:4000',
      });
      // The seed records where the containers answer, not supergraph.yaml's 127.0.0.1.
      expect(config.seedRoutingUrls).toEqual(
        Object.fromEntries(
          SUBGRAPHS.map((name, i) => [name, `http://${name}:400${i + 1}/graphql`]),
        ),
      );
    });

    test('its consumers file is JWT-only, on its own audience: an owner per subgraph, an approver, the gateway', () => {
      expect(() =>
        loadGovernanceConfig(path.join(ROOT, 'registry/registry.compose.yaml'), {}),
      ).toThrow(/SWITCHYARD_JWT_SECRET, which is not set/);
      const config = loadGovernanceConfig(path.join(ROOT, 'registry/registry.compose.yaml'), {
        SWITCHYARD_JWT_SECRET: 'j'.repeat(32),
      });
      const gateway = loadGovernanceConfig(path.join(ROOT, 'gateway/governance.compose.yaml'), {
        SWITCHYARD_JWT_SECRET: 'j'.repeat(32),
      });
      expect(config.identity.anonymousConsumer).toBeNull();
      expect(config.consumers.every((consumer) => consumer.apiKeys.length === 0)).toBe(true);
      // A token minted for one is refused at the other (aud is checked).
      expect(config.identity.jwt.map((issuer) => issuer.audience)).toEqual(['switchyard-registry']);
      expect(gateway.identity.jwt.map((issuer) => issuer.audience)).toEqual(['switchyard']);
      const holding = (scope: string) =>
        config.consumers.filter((c) => c.scopes.includes(scope)).map((c) => c.id);
      for (const name of SUBGRAPHS)
        expect(holding(`schema:publish:${name}`)).toEqual([`${name}-owner`]);
      expect(holding('schema:publish:*')).toEqual([]);
      expect(holding('schema:approve')).toEqual(['platform-admin']);
      expect(config.consumers.find((c) => c.id === 'gateway')?.scopes).toEqual(['schema:read']);
      // The registry's checks call the gateway's admin API as its platform-admin.
      expect(gateway.consumers.find((c) => c.id === 'platform-admin')?.scopes).toContain(
        'governance:admin',
      );
    });

    test('is in the image: its bundle, its runtime dependencies and its consumers file', () => {
      const dockerfile = read('Dockerfile');
      expect(dockerfile).toContain('--workspace registry');
      expect(dockerfile).toContain('COPY --from=build /app/registry/dist registry/dist');
      expect(dockerfile).toMatch(/^COPY registry\/registry\.compose\.yaml registry\/$/m);
      expect(dockerfile).toMatch(/^COPY supergraph\.yaml /m);
    });

    test('the gateway takes its supergraph from it, with its credential from .env, once it is ready', () => {
      const gateway = compose.services.gateway;
      expect(gateway.environment).toMatchObject({ REGISTRY_URL: 'http://registry:4010' });
      expect(gateway.environment).not.toHaveProperty('REGISTRY_TOKEN');
      expect(example.get('REGISTRY_TOKEN')).toBe('');
      expect(gateway.depends_on?.registry).toEqual({ condition: 'service_healthy' });
      // Its config check: no start without the token, the registry's URL with it.
      const env = {
        ...Object.fromEntries(example),
        ...gateway.environment,
        SWITCHYARD_IDENTITY_SECRET: 'i'.repeat(32),
      };
      expect(() => gatewayConfigFrom(gateway.command!.slice(2), env)).toThrow(
        /REGISTRY_TOKEN is not set/,
      );
      expect(
        gatewayConfigFrom(gateway.command!.slice(2), { ...env, REGISTRY_TOKEN: 'a.jwt.token' }),
      ).toMatchObject({
        registryUrl: 'http://registry:4010',
        registryToken: 'a.jwt.token',
        supergraphCacheFile: '/var/lib/switchyard/supergraph.graphql',
      });
      // The last good supergraph is kept on a volume, so it outlives the container.
      expect(gateway.volumes).toEqual(['gateway-supergraph:/var/lib/switchyard']);
      expect(compose.volumes).toHaveProperty('gateway-supergraph');
    });
  });
});
