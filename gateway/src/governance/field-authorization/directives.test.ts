import { composeSupergraph } from '../../supergraph-config';
import { SupergraphSource } from '../../supergraph-manager';
import { switchyard } from './testing/authorized-queries';
import { declaredRequirementsOf } from './directives';
import { createFieldAuthorizationModule } from './field-authorization';

const declared = declaredRequirementsOf(switchyard.directives);

describe('requirements declared in the supergraph', () => {
  test('reads @requiresScopes and @authenticated of fields and of types from the composed Switchyard supergraph', () => {
    expect(declared.fields.get('Customer.creditLimit')).toMatchObject({
      authenticated: false,
      requiresScopes: [['credit:read']],
    });
    expect(declared.fields.get('Customer.creditExposure')).toMatchObject({
      authenticated: false,
      requiresScopes: [['credit:read']],
    });
    expect(declared.fields.get('Invoice.total')).toMatchObject({
      authenticated: false,
      requiresScopes: [['finance:read']],
    });
    expect(declared.fields.get('Product.costPrice')).toMatchObject({
      authenticated: false,
      requiresScopes: [['catalog:cost:read']],
    });
    expect(declared.fields.get('Customer.addresses')).toMatchObject({
      authenticated: true,
      requiresScopes: null,
    });
    expect(declared.types.get('Contact')).toMatchObject({
      authenticated: false,
      requiresScopes: [['contacts:read']],
    });
    expect(declared.fields.has('Customer.name')).toBe(false);
  });
});

describe('a supergraph field authorization cannot enforce is refused (fail closed)', () => {
  const guarded = (directive: string) =>
    composeSupergraph([
      {
        name: 'finance',
        url: 'http://127.0.0.1:9/finance',
        sdl: `extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key", {name: "@requiresScopes", as: "@scopes"}, {name: "@policy", as: "@rule"}])
type Query { creditLimit: Int ${directive} }`,
      },
    ]);
  const scoped = guarded('@scopes(scopes: [["credit:read"]])');

  test.each([
    [
      'an unknown version of @requiresScopes',
      scoped.replace('requiresScopes/v0.1', 'requiresScopes/v0.2'),
      'version v0.2 is not one this gateway reads (v0.1)',
    ],
    [
      'a @requiresScopes definition that is not the spec’s',
      scoped.replace(
        'directive @scopes(scopes: [[requiresScopes__Scope!]!]!)',
        'directive @scopes(scopes: [[requiresScopes__Scope!]!]!, unlessInternal: Boolean)',
      ),
      'unknown/unsupported argument "unlessInternal"',
    ],
    [
      '@policy, which nothing evaluates',
      guarded('@rule(policies: [["credit-controller"]])'),
      '@rule on Query.creditLimit: Switchyard evaluates no policies',
    ],
  ])('%s: the module is not built', (_case, sdl, problem) => {
    expect(sdl).not.toBe(scoped);
    expect(() =>
      createFieldAuthorizationModule({}, { supergraph: new SupergraphSource(sdl) }),
    ).toThrow(problem);
  });

  test('a swap to a supergraph it cannot enforce is refused and the current one stays served', () => {
    const supergraph = new SupergraphSource(scoped);
    createFieldAuthorizationModule({}, { supergraph });
    expect(() =>
      supergraph.update(scoped.replace('requiresScopes/v0.1', 'requiresScopes/v0.2')),
    ).toThrow('field authorization cannot enforce this supergraph');
    expect(supergraph.current).toBe(scoped);
  });
});
