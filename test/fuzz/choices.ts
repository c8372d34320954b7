import fc from 'fast-check';

/**
 * The random decisions a generator makes, drawn from fast-check's `gen()` so a run replays from its
 * seed and a failing case shrinks (fewer fields, shorter strings) like any other arbitrary.
 */
export interface Choices {
  /** An integer in [min, max]. */
  int(min: number, max: number): number;
  /** True with this probability (0..1). */
  chance(probability: number): boolean;
  pick<T>(items: readonly T[]): T;
  /** A value of any fast-check arbitrary. */
  draw<T>(arbitrary: fc.Arbitrary<T>): T;
}

export function choicesOf(g: fc.GeneratorValue): Choices {
  // Unbiased: fast-check leans integers towards their bounds, which would skew every pick and chance.
  const int = (min: number, max: number) => g(() => fc.noBias(fc.integer({ min, max })));
  return {
    int,
    chance: (probability) => int(0, 999) < probability * 1000,
    pick: (items) => items[int(0, items.length - 1)],
    draw: (arbitrary) => g(() => arbitrary),
  };
}

/** An arbitrary built by a function of Choices (documents, variables: shapes that depend on the schema). */
export const chosen = <T>(build: (choices: Choices) => T): fc.Arbitrary<T> =>
  fc.gen().map((g) => build(choicesOf(g)));
