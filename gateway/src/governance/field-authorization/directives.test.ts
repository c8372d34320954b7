import { switchyard } from './authorization-fixture';
import { declaredRequirementsOf } from './directives';

const declared = declaredRequirementsOf(switchyard.current);

describe('requirements declared in the supergraph', () => {
  test('reads @requiresScopes and @authenticated of fields and of types from the composed Switchyard supergraph', () => {
    expect(declared.fields.get('Customer.creditLimit')).toEqual({
      authenticated: false,
      requiresScopes: [['credit:read']],
    });
    expect(declared.fields.get('Customer.creditExposure')).toEqual({
      authenticated: false,
      requiresScopes: [['credit:read']],
    });
    expect(declared.fields.get('Invoice.total')).toEqual({
      authenticated: false,
      requiresScopes: [['finance:read']],
    });
    expect(declared.fields.get('Product.costPrice')).toEqual({
      authenticated: false,
      requiresScopes: [['catalog:cost:read']],
    });
    expect(declared.fields.get('Customer.addresses')).toEqual({
      authenticated: true,
      requiresScopes: null,
    });
    expect(declared.types.get('Contact')).toEqual({
      authenticated: false,
      requiresScopes: [['contacts:read']],
    });
    expect(declared.fields.has('Customer.name')).toBe(false);
  });

  test('follows the names a supergraph gives the directives with @link(as:)', () => {
    const sdl = `
      schema
        @link(url: "https://specs.apollo.dev/link/v1.0")
        @link(url: "https://specs.apollo.dev/requiresScopes/v0.1", as: "scopes", for: SECURITY)
        @link(url: "https://specs.apollo.dev/authenticated/v0.1", as: "signedIn", for: SECURITY)
      { query: Query }
      type Query { a: String @scopes(scopes: [["x", "y"], ["z"]]) b: String @signedIn c: String @requiresScopes(scopes: [["ignored"]]) }
    `;
    const read = declaredRequirementsOf(sdl);
    expect(read.fields.get('Query.a')).toEqual({
      authenticated: false,
      requiresScopes: [['x', 'y'], ['z']],
    });
    expect(read.fields.get('Query.b')).toEqual({ authenticated: true, requiresScopes: null });
    expect(read.fields.has('Query.c')).toBe(false);
  });
});
