import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { hashApiKey } from './identity/api-keys';
import {
  GovernanceConfigError,
  loadGovernanceConfig,
  parseGovernanceConfig,
  registeredConsumersOf,
} from './governance-config';

const DEV_CONFIG = path.join(__dirname, '..', '..', 'governance.dev.yaml');

/** A small valid file; tests break one thing in it at a known line. */
const VALID = `version: 1
limits:
  tiers:
    gold: { depth: 15, cost: 50000 }
rateBudgets:
  tiers:
    gold: [{ window: 1s, requests: 200 }, { window: month, cost: 5000000 }]
contracts:
  partner: { include: [partner] }
consumers:
  - id: portal
    name: Portal
    kind: internal
    apiKeys: [{ sha256: ${hashApiKey('portal-key')} }]
    scopes: [credit:read]
    tier: gold
  - id: acme
    name: ACME
    kind: distributor
    apiKeys: [{ sha256: ${hashApiKey('acme-key')} }]
    tenant: { customers: [CUS-0001] }
    tier: gold
    contract: partner
`;

/** VALID with line `lineNumber` (1-based) replaced by `replacement` (which may span lines). */
function withLine(lineNumber: number, replacement: string, text = VALID): string {
  const lines = text.split('\n');
  lines.splice(lineNumber - 1, 1, replacement);
  return lines.join('\n');
}

function problemsOf(text: string, env: NodeJS.ProcessEnv = {}): string[] {
  try {
    parseGovernanceConfig(text, { source: 'governance.yaml', env });
  } catch (error) {
    if (error instanceof GovernanceConfigError) return error.message.split('\n');
    throw error;
  }
  throw new Error('the file was accepted');
}

describe('the development config', () => {
  test('is valid and declares the seven development consumers, each keyed by the sha-256 of its id', () => {
    const config = loadGovernanceConfig(DEV_CONFIG, {});
    const consumers = registeredConsumersOf(config);
    expect(consumers.map(({ consumer }) => consumer.id)).toEqual([
      'dev-sales-portal',
      'dev-web-store',
      'dev-finance-ops',
      'dev-acme-distributor',
      'dev-fastfreight-3pl',
      'dev-warehouse-ops',
      'dev-platform-admin',
    ]);
    for (const { consumer, apiKeySha256 } of consumers)
      expect(apiKeySha256).toEqual([hashApiKey(consumer.id)]);
  });

  test('binds the partners to their tenant, persisted-only mode and the partner contract', () => {
    const byId = new Map(
      registeredConsumersOf(loadGovernanceConfig(DEV_CONFIG, {})).map(({ consumer }) => [
        consumer.id,
        consumer,
      ]),
    );
    expect(byId.get('dev-acme-distributor')).toMatchObject({
      kind: 'distributor',
      tenant: { customerIds: ['CUS-0001'], carrierIds: [] },
      tier: 'bronze',
      persistedOperations: 'persisted-only',
      contract: 'partner',
      scopes: ['orders:read', 'orders:write', 'finance:read'],
    });
    expect(byId.get('dev-fastfreight-3pl')).toMatchObject({
      kind: '3pl',
      tenant: { customerIds: [], carrierIds: ['CAR-FASTFREIGHT'] },
      scopes: ['shipments:write', 'orders:read'],
    });
    expect(byId.get('dev-web-store')).toMatchObject({
      kind: 'ecommerce',
      tenant: null,
      tier: 'silver',
      scopes: ['orders:read', 'orders:write'],
    });
    expect(byId.get('dev-platform-admin')!.scopes).toEqual(
      expect.arrayContaining([
        'governance:admin',
        'credit:read',
        'finance:read',
        'catalog:cost:read',
        'contacts:read',
        'orders:read',
      ]),
    );
  });

  test('grants the write scopes of the order-to-cash mutations (issue 4) to the consumers that run them', () => {
    const byId = new Map(
      registeredConsumersOf(loadGovernanceConfig(DEV_CONFIG, {})).map(({ consumer }) => [
        consumer.id,
        consumer,
      ]),
    );
    const holders = (scope: string) =>
      [...byId.values()]
        .filter((consumer) => consumer.scopes.includes(scope))
        .map((consumer) => consumer.id);
    expect(holders('orders:write')).toEqual([
      'dev-sales-portal',
      'dev-web-store',
      'dev-acme-distributor',
    ]);
    expect(holders('orders:release-hold')).toEqual(['dev-finance-ops']);
    expect(holders('events:operate')).toEqual(['dev-finance-ops', 'dev-platform-admin']);
    expect(holders('shipments:write')).toEqual(['dev-fastfreight-3pl', 'dev-warehouse-ops']);
    expect(holders('finance:write')).toEqual(['dev-finance-ops']);
    expect(holders('inventory:write')).toEqual(['dev-warehouse-ops']);
  });
});

describe('a valid file', () => {
  test('fills in the documented defaults of identity, modules and consumers', () => {
    const config = parseGovernanceConfig(VALID);
    expect(config.identity).toEqual({ anonymousConsumer: null, jwt: [] });
    // Every module is on by default but traffic samples, which keep request variables: on by choice.
    const { trafficSamples, ...others } = config.modules;
    expect(Object.values(others).every(Boolean)).toBe(true);
    expect(trafficSamples).toBe(false);
    expect(config.consumers[0]).toMatchObject({
      tenant: null,
      persistedOperations: 'allow',
      contract: null,
      requireClientName: false,
      requireOperationName: false,
    });
  });

  test('resolves a JWT issuer secretEnv from the environment and keeps the variable name out of the result', () => {
    const text = `${VALID}identity:\n  jwt:\n    - { issuer: https://idp.example.com/, audience: switchyard, secretEnv: JWT_SECRET }\n`;
    const config = parseGovernanceConfig(text, { env: { JWT_SECRET: 'x'.repeat(32) } });
    expect(config.identity.jwt[0]).toEqual({
      issuer: 'https://idp.example.com/',
      audience: 'switchyard',
      secret: 'x'.repeat(32),
      consumerClaim: 'client_id',
      scopesClaim: 'scope',
      clockToleranceSeconds: 5,
    });
  });

  test("resolves a consumer's webhook secretEnv (issue 15's notices); an unset or short secret is refused", () => {
    const text = `${VALID}    notify: { webhook: { url: 'https://acme.example.com/hooks/switchyard', secretEnv: ACME_HOOK_SECRET } }\n`;
    const config = parseGovernanceConfig(text, { env: { ACME_HOOK_SECRET: 's'.repeat(32) } });
    expect(config.consumers[1].notify).toEqual({
      webhook: { url: 'https://acme.example.com/hooks/switchyard', secret: 's'.repeat(32) },
    });
    expect(config.consumers[0].notify).toBeUndefined();
    expect(problemsOf(text)).toEqual([
      expect.stringMatching(
        /^governance\.yaml:\d+: consumers\[1\]\.notify\.webhook\.secretEnv names ACME_HOOK_SECRET, which is not set$/,
      ),
    ]);
    expect(problemsOf(text, { ACME_HOOK_SECRET: 'short' })).toEqual([
      expect.stringMatching(
        /secretEnv names ACME_HOOK_SECRET, which holds fewer than 32 bytes \(too short for HMAC-SHA256\)$/,
      ),
    ]);
  });
});

describe('an invalid file is reported with the line and the problem', () => {
  test('a consumer kind that does not exist names the allowed kinds', () => {
    expect(problemsOf(withLine(19, '    kind: wholesaler'))).toEqual([
      'governance.yaml:19: consumers[1].kind must be one of internal, portal, ecommerce, distributor, 3pl',
    ]);
  });

  test('an unknown key is an error at its own line, not silently ignored', () => {
    expect(problemsOf(withLine(16, '    tier: gold\n    colour: blue'))).toEqual([
      'governance.yaml:17: consumers[0].colour is not a known setting',
    ]);
    expect(problemsOf(`${VALID}ratelimits: {}\n`)).toEqual([
      'governance.yaml:24: ratelimits is not a known setting',
    ]);
  });

  test('a missing required setting points at the entry that lacks it', () => {
    expect(problemsOf(withLine(16, ''))).toEqual([
      'governance.yaml:11: consumers[0].tier is required',
    ]);
  });

  test('a value of the wrong type says what was expected and what was found', () => {
    expect(problemsOf(withLine(16, '    tier: gold\n    requireClientName: "yes"'))).toEqual([
      'governance.yaml:17: consumers[0].requireClientName must be true or false, not "yes"',
    ]);
    expect(problemsOf(withLine(4, '    gold: { depth: 1.5, cost: 50000 }'))).toEqual([
      'governance.yaml:4: limits.tiers.gold.depth must be a whole number, not 1.5',
    ]);
  });

  test('a malformed API key hash and a rate window that does not parse are refused', () => {
    expect(problemsOf(withLine(14, '    apiKeys: [{ sha256: portal-key }]'))).toEqual([
      'governance.yaml:14: consumers[0].apiKeys[0].sha256 must be the lowercase hex SHA-256 of the key (64 characters)',
    ]);
    expect(problemsOf(withLine(7, '    gold: [{ window: 1 week, requests: 200 }]'))).toEqual([
      'governance.yaml:7: rateBudgets.tiers.gold[0].window "1 week" is not a rate window: use <n>s, <n>m, <n>h or <n>d (e.g. 1s, 10s, 1m, 1h, 1d) or month',
    ]);
    expect(problemsOf(withLine(7, '    gold: [{ window: 40d, requests: 200 }]'))).toEqual([
      'governance.yaml:7: rateBudgets.tiers.gold[0].window "40d" is longer than a month: use month for a monthly budget',
    ]);
    expect(problemsOf(`${VALID}usage: { bucket: 1w }\n`)).toEqual([
      'governance.yaml:24: usage.bucket "1w" is not a duration: use <n>s, <n>m, <n>h or <n>d (e.g. 30s, 5m, 2h, 7d)',
    ]);
  });

  test('zero is refused where a positive whole number is meant', () => {
    expect(problemsOf(withLine(4, '    gold: { depth: 0, cost: 50000 }'))).toEqual([
      'governance.yaml:4: limits.tiers.gold.depth must be greater than 0',
    ]);
    expect(problemsOf(withLine(7, '    gold: [{ window: 1s, requests: 0 }]'))).toEqual([
      'governance.yaml:7: rateBudgets.tiers.gold[0].requests must be greater than 0',
    ]);
  });

  test('two consumers with one id are refused', () => {
    expect(problemsOf(withLine(17, '  - id: portal'))).toEqual([
      'governance.yaml:17: consumers[1].id "portal" is already the id of consumers[0]',
    ]);
  });

  test('one API key hash held by two consumers is refused', () => {
    expect(
      problemsOf(withLine(20, `    apiKeys: [{ sha256: ${hashApiKey('portal-key')} }]`)),
    ).toEqual([
      'governance.yaml:20: consumers[1].apiKeys[0].sha256 is already a key of consumer "portal"',
    ]);
  });

  test('a consumer tier must exist in both the limits and the rate budget tiers', () => {
    expect(problemsOf(withLine(16, '    tier: platinum'))).toEqual([
      'governance.yaml:16: consumers[0].tier "platinum" is not a tier of limits.tiers (gold)',
      'governance.yaml:16: consumers[0].tier "platinum" is not a tier of rateBudgets.tiers (gold)',
    ]);
  });

  test('a consumer contract must be declared under contracts', () => {
    expect(problemsOf(withLine(23, '    contract: retail'))).toEqual([
      'governance.yaml:23: consumers[1].contract "retail" is not declared under contracts (partner)',
    ]);
    // Names are looked up as own properties: an Object.prototype member is no contract or tier.
    expect(problemsOf(withLine(23, '    contract: constructor'))).toEqual([
      'governance.yaml:23: consumers[1].contract "constructor" is not declared under contracts (partner)',
    ]);
    expect(problemsOf(withLine(16, '    tier: toString'))).toEqual([
      'governance.yaml:16: consumers[0].tier "toString" is not a tier of limits.tiers (gold)',
      'governance.yaml:16: consumers[0].tier "toString" is not a tier of rateBudgets.tiers (gold)',
    ]);
  });

  test('a contract needs include or exclude tags, and no tag in both', () => {
    expect(problemsOf(withLine(9, '  partner: {}'))).toEqual([
      'governance.yaml:9: contracts.partner needs include, exclude or both',
    ]);
    expect(
      problemsOf(withLine(9, '  partner: { include: [partner, beta], exclude: [beta] }')),
    ).toEqual(['governance.yaml:9: contracts.partner.exclude cannot also include "beta"']);
    expect(
      parseGovernanceConfig(withLine(9, '  partner: { exclude: [internal] }')).contracts,
    ).toEqual({ partner: { include: [], exclude: ['internal'] } });
  });

  test('a distributor without tenant customers is refused, since it would see no rows', () => {
    expect(problemsOf(withLine(21, '    tenant: { carriers: [CAR-UPS] }'))).toEqual([
      'governance.yaml:21: consumers[1].tenant a distributor needs tenant.customers (the accounts it may see); without them it sees no rows',
    ]);
  });

  test('the anonymous consumer and per-consumer rate budgets must name declared consumers', () => {
    const text = `${VALID}identity:\n  anonymousConsumer: nobody\n`;
    expect(problemsOf(text)).toEqual([
      'governance.yaml:25: identity.anonymousConsumer "nobody" is not a declared consumer',
    ]);
    expect(
      problemsOf(
        withLine(
          7,
          '    gold: [{ window: 1s, requests: 200 }]\n  consumers:\n    ghost: [{ window: month, cost: 1 }]',
        ),
      ),
    ).toEqual(['governance.yaml:9: rateBudgets.consumers.ghost is not a declared consumer']);
  });

  test('usage windows for schema checks are durations, and a per-consumer window names a declared consumer', () => {
    const windows = (lines: string) => `${VALID}usage:\n  windows:\n${lines}`;
    expect(
      parseGovernanceConfig(
        windows('    default: 30d\n    tiers: { gold: 400d }\n    consumers: { acme: 90d }\n'),
      ).usage?.windows,
    ).toEqual({ default: '30d', tiers: { gold: '400d' }, consumers: { acme: '90d' } });
    expect(problemsOf(windows('    default: a month\n    consumers: { ghost: 1d }\n'))).toEqual([
      expect.stringMatching(
        /^governance\.yaml:26: usage\.windows\.default "a month" is not a duration/,
      ),
      'governance.yaml:27: usage.windows.consumers.ghost is not a declared consumer',
    ]);
  });

  test('a JWT issuer needs exactly one key source, a set secret of HS256 strength, and https keys', () => {
    const issuer = (fields: string) =>
      `${VALID}identity:\n  jwt:\n    - issuer: https://idp.example.com/\n      audience: switchyard\n${fields}`;
    expect(
      problemsOf(
        issuer('      jwksUrl: https://idp.example.com/jwks\n      secretEnv: JWT_SECRET\n'),
        { JWT_SECRET: 'x'.repeat(32) },
      ),
    ).toEqual(['governance.yaml:26: identity.jwt[0] needs exactly one of jwksUrl or secretEnv']);
    expect(problemsOf(issuer('      secretEnv: JWT_SECRET\n'))).toEqual([
      'governance.yaml:28: identity.jwt[0].secretEnv names JWT_SECRET, which is not set',
    ]);
    expect(problemsOf(issuer('      secretEnv: JWT_SECRET\n'), { JWT_SECRET: 'short' })).toEqual([
      'governance.yaml:28: identity.jwt[0].secretEnv names JWT_SECRET, which holds fewer than 32 bytes (too short for HS256)',
    ]);
    expect(problemsOf(issuer('      jwksUrl: http://idp.example.com/jwks\n'))).toEqual([
      'governance.yaml:28: identity.jwt[0].jwksUrl must be https (plain http only on localhost): keys fetched in the clear can be swapped',
    ]);
  });

  test('every problem of the file is reported at once, in line order', () => {
    const text = withLine(19, '    kind: wholesaler', withLine(13, '    kind: robot'));
    expect(problemsOf(text)).toEqual([
      'governance.yaml:13: consumers[0].kind must be one of internal, portal, ecommerce, distributor, 3pl',
      'governance.yaml:19: consumers[1].kind must be one of internal, portal, ecommerce, distributor, 3pl',
    ]);
  });

  test('YAML that does not parse, or repeats a key, is reported at its line', () => {
    expect(problemsOf(withLine(16, '    tier: gold\n    tier: gold'))).toEqual([
      'governance.yaml:17: is not valid YAML: Map keys must be unique',
    ]);
    const [unclosed] = problemsOf(withLine(12, '    name: [Portal'));
    expect(unclosed).toMatch(
      /^governance\.yaml:1[23]: is not valid YAML: Flow sequence .* must .* end with a \]/,
    );
  });

  test('a file of the wrong version or an empty file is refused', () => {
    expect(problemsOf(withLine(1, 'version: 2'))).toEqual(['governance.yaml:1: version must be 1']);
    expect(problemsOf('# nothing here\n')).toEqual([
      'governance.yaml:1: the file is empty: expected a mapping starting with `version: 1`',
    ]);
  });

  test('a file that cannot be read names the file and the reason', () => {
    const missing = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'governance-')), 'absent.yaml');
    expect(() => loadGovernanceConfig(missing, {})).toThrow(`${missing}:1: cannot be read: ENOENT`);
  });
});
