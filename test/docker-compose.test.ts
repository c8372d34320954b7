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

const ROOT = path.resolve(__dirname, '..');
const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');

interface Service {
  env_file?: string[];
  environment?: Record<string, string>;
}
const compose = parse(read('docker-compose.yml'), { merge: true }) as {
  services: Record<string, Service>;
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
      ...read('gateway/governance.compose.yaml').matchAll(/secretEnv: (\w+)/g),
    ].map((match) => match[1]);
    expect(interpolated).toContain('POSTGRES_PASSWORD');
    expect(secretEnvs).toEqual(['SWITCHYARD_JWT_SECRET']);
    for (const name of [...interpolated, ...secretEnvs, 'SWITCHYARD_IDENTITY_SECRET', 'NODE_ENV'])
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
});
