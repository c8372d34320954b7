import { createFieldAuthorizationModule } from './governance/field-authorization/field-authorization';
import {
  declaredSecurityDirectives,
  ENFORCING_MODULE,
  securityEnforcementOf,
  UnenforcedSecurityError,
  ungovernedWarning,
} from './security-enforcement';
import { supergraphForExecution } from './security-features';
import { composeSupergraph } from './supergraph-config';
import { SupergraphSource } from './supergraph-manager';

/** One subgraph composed into a real supergraph. */
const supergraphOf = (sdl: string) =>
  composeSupergraph([{ name: 'orders', url: 'http://127.0.0.1:9/orders', sdl }]);

const PLAIN =
  supergraphOf(`extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key"])
type Query { order: String }`);
/** `@requiresScopes` imported as `@scopes`, and `@authenticated`: declared under the names the subgraph gave them. */
const SECURED =
  supergraphOf(`extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key", "@authenticated", {name: "@requiresScopes", as: "@scopes"}])
type Query { order: String @authenticated, creditLimit: Int @scopes(scopes: [["credit:read"]]) }`);

const SECURITY_LINK =
  /@link\(url: "https:\/\/specs\.apollo\.dev\/requiresScopes\/v[0-9.]+"[^)]*for: SECURITY/;

describe('who answers for the security directives', () => {
  test('governance with field authorization enforces them; otherwise only the operator may waive them', () => {
    const fieldAuthorization = createFieldAuthorizationModule(
      {},
      { supergraph: new SupergraphSource(SECURED) },
    );
    expect(fieldAuthorization.name).toBe(ENFORCING_MODULE);
    expect(securityEnforcementOf(['identity', ENFORCING_MODULE], false)).toBe('governance');
    expect(securityEnforcementOf([ENFORCING_MODULE], true)).toBe('governance');
    expect(securityEnforcementOf(['identity', 'rate-budgets'], true)).toBe('waived');
    expect(securityEnforcementOf(['identity', 'rate-budgets'], false)).toBe('none');
    expect(securityEnforcementOf([], false)).toBe('none');
  });

  test('the directives a supergraph declares are named as it names them', () => {
    expect(declaredSecurityDirectives(new SupergraphSource(SECURED).directives)).toEqual([
      '@authenticated',
      '@scopes',
    ]);
    expect(declaredSecurityDirectives(new SupergraphSource(PLAIN).directives)).toEqual([]);
  });
});

describe('a supergraph source nobody enforces security for', () => {
  test('refuses a supergraph that declares security directives, naming them and the way out', () => {
    const source = new SupergraphSource(SECURED);
    expect(() => source.enforceSecurityBy('none')).toThrow(UnenforcedSecurityError);
    expect(() => source.enforceSecurityBy('none')).toThrow(
      /declares @authenticated, @scopes and nothing enforces them: .*--governance FILE.*--ungoverned \(SWITCHYARD_UNGOVERNED=1\)/,
    );
  });

  test('serves one that declares none, and refuses a swap that brings some in, keeping the current one', async () => {
    const source = new SupergraphSource(PLAIN);
    source.enforceSecurityBy('none');
    const loaded: string[] = [];
    const { supergraphSdl } = await source.initialize({
      update: (sdl: string) => loaded.push(sdl),
      healthCheck: async () => {},
      getDataSource: () => undefined as never,
    });
    expect(supergraphSdl).toBe(PLAIN);
    expect(() => source.update(SECURED)).toThrow(UnenforcedSecurityError);
    expect(source.current).toBe(PLAIN);
    expect(loaded).toEqual([]);
  });
});

describe('for: SECURITY is stripped only where something answers for the directives', () => {
  test('governance and an explicit --ungoverned strip it; nobody keeps it, so @apollo/gateway refuses too', () => {
    expect(SECURED).toMatch(SECURITY_LINK);
    expect(supergraphForExecution(SECURED, 'governance')).not.toMatch(SECURITY_LINK);
    expect(supergraphForExecution(SECURED, 'waived')).not.toMatch(SECURITY_LINK);
    expect(supergraphForExecution(SECURED, 'none')).toBe(SECURED);
  });

  test.each(['governance', 'waived'] as const)(
    'a source enforced by %s hands @apollo/gateway the stripped supergraph, at start and on a swap',
    async (enforcement) => {
      const source = new SupergraphSource(PLAIN);
      source.enforceSecurityBy(enforcement);
      const loaded: string[] = [];
      await source.initialize({
        update: (sdl: string) => loaded.push(sdl),
        healthCheck: async () => {},
        getDataSource: () => undefined as never,
      });
      source.update(SECURED);
      expect(loaded).toEqual([supergraphForExecution(SECURED, 'governance')]);
      expect(loaded[0]).not.toMatch(SECURITY_LINK);
    },
  );
});

test('the ungoverned warning names what is left unenforced', () => {
  expect(ungovernedWarning(new SupergraphSource(SECURED).directives)).toBe(
    "ungoverned: started with --ungoverned (SWITCHYARD_UNGOVERNED=1); the supergraph's @authenticated, @scopes are not enforced, every caller sees every field",
  );
  expect(ungovernedWarning(new SupergraphSource(PLAIN).directives)).toMatch(
    /^ungoverned: .*no governance/,
  );
});
