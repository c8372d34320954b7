import { applyRewrites } from './rewrites';

const isOfType = (typename: unknown, condition: string) =>
  typename === condition ||
  (condition === 'Listing' && (typename === 'Book' || typename === 'Film'));

describe('data rewrites of a fetch', () => {
  test("a ValueSetter writes the @interfaceObject's type name into a representation of an implementation", () => {
    const representation = { __typename: 'Book', id: 'b1' };
    applyRewrites(
      [
        {
          kind: 'ValueSetter',
          path: [{ typenames: ['Book'] }, { key: '__typename' }],
          value: 'Listing',
        },
      ],
      representation,
      isOfType,
    );
    expect(representation).toEqual({ __typename: 'Listing', id: 'b1' });
  });

  test('a ValueSetter leaves objects of other types alone', () => {
    const representation = { __typename: 'Film', id: 'f1' };
    applyRewrites(
      [
        {
          kind: 'ValueSetter',
          path: [{ typenames: ['Book'] }, { key: '__typename' }],
          value: 'Listing',
        },
      ],
      representation,
      isOfType,
    );
    expect(representation.__typename).toBe('Film');
  });

  test('a KeyRenamer moves an aliased field back to its response key, through a list, for the matching type only', () => {
    const answer = {
      items: [
        { __typename: 'Tool', id: 't1', size: 3 },
        { __typename: 'Seed', id: 's2', _internal_qp_alias_0: 8 },
        null,
      ],
    };
    applyRewrites(
      [
        {
          kind: 'KeyRenamer',
          path: [{ key: 'items' }, { typenames: ['Seed'] }, { key: '_internal_qp_alias_0' }],
          renameTo: 'size',
        },
      ],
      answer,
      isOfType,
    );
    expect(answer.items).toEqual([
      { __typename: 'Tool', id: 't1', size: 3 },
      { __typename: 'Seed', id: 's2', size: 8 },
      null,
    ]);
  });

  test('a KeyRenamer to __proto__ writes an own key, never the prototype', () => {
    const answer: Record<string, unknown> = { _internal_qp_alias_0: { polluted: true } };
    applyRewrites(
      [{ kind: 'KeyRenamer', path: [{ key: '_internal_qp_alias_0' }], renameTo: '__proto__' }],
      answer,
      isOfType,
    );
    expect(Object.getPrototypeOf(answer)).toBe(Object.prototype);
    expect(Object.keys(answer)).toEqual(['__proto__']);
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
  });

  test('a missing key on the way, or a scalar, stops the rewrite without error', () => {
    const answer = { items: 'not objects' };
    applyRewrites(
      [{ kind: 'ValueSetter', path: [{ key: 'items' }, { key: 'x' }], value: 'y' }],
      answer,
      isOfType,
    );
    applyRewrites(
      [{ kind: 'ValueSetter', path: [{ key: 'nope' }, { key: 'x' }], value: 'y' }],
      answer,
      isOfType,
    );
    expect(answer).toEqual({ items: 'not objects' });
  });
});
