import { caller } from './testing/authorized-queries';
import { combine, describeRequirement, missingRequirement } from './requirements';

describe('requirement algebra', () => {
  test('combining two requirements needs both: scope sets multiply, and a set holding another is dropped', () => {
    expect(
      combine(
        { authenticated: false, requiresScopes: [['a']] },
        { authenticated: true, requiresScopes: [['b'], ['c']] },
      ),
    ).toEqual({
      authenticated: true,
      requiresScopes: [
        ['a', 'b'],
        ['a', 'c'],
      ],
    });
    expect(
      combine(
        { authenticated: false, requiresScopes: [['a'], ['a', 'b']] },
        { authenticated: false, requiresScopes: null },
      ).requiresScopes,
    ).toEqual([['a']]);
  });

  test('scopes are an OR of AND-sets; @authenticated is met by any authenticated caller, never the anonymous one', () => {
    const requirement = { authenticated: false, requiresScopes: [['a', 'b'], ['c']] };
    expect(missingRequirement(requirement, caller(['a', 'b']))).toBeNull();
    expect(missingRequirement(requirement, caller(['c']))).toBeNull();
    expect(missingRequirement(requirement, caller(['a']))).toEqual(requirement);
    expect(
      missingRequirement({ authenticated: true, requiresScopes: null }, caller([])),
    ).toBeNull();
    expect(
      missingRequirement({ authenticated: true, requiresScopes: [['a']] }, caller(['a'], false)),
    ).toEqual({ authenticated: true, requiresScopes: null });
  });

  test('a requirement is described as the schema spells it', () => {
    expect(describeRequirement({ authenticated: true, requiresScopes: [['credit:read']] })).toBe(
      '@authenticated and @requiresScopes(scopes: [["credit:read"]])',
    );
  });
});
