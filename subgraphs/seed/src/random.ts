import { Faker, base, en, en_US } from '@faker-js/faker';

/**
 * Every random draw of the generator comes from here, seeded, so a seed always gives the same dataset.
 * Each domain draws from its own fork, so that changing how one domain is generated does not
 * reshuffle the others.
 */
export class Random {
  /** Names, streets, phone numbers, emails: faker with US English, seeded like the numbers. */
  readonly faker: Faker;

  constructor(readonly seed: number) {
    this.faker = new Faker({ locale: [en_US, en, base] });
    this.faker.seed(seed);
  }

  /** An independent stream for one part of the dataset, derived from the seed and a label only. */
  fork(label: string): Random {
    let hash = this.seed >>> 0;
    for (const char of label) hash = Math.imul(hash ^ char.charCodeAt(0), 0x01000193) >>> 0;
    return new Random(hash);
  }

  /** A float in [0, 1). */
  next(): number {
    // faker's float may return its upper bound; fold it back into [0, 1).
    return this.faker.number.float({ min: 0, max: 1 }) % 1;
  }

  /** An integer in [min, max], both included. */
  int(min: number, max: number): number {
    return this.faker.number.int({ min, max });
  }

  /** A float in [min, max). */
  between(min: number, max: number): number {
    return min + (max - min) * this.next();
  }

  /** True with probability `p`. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }

  /** Picks a value with probability proportional to its weight: `weighted([['A', 3], ['B', 1]])`. */
  weighted<T>(choices: readonly (readonly [T, number])[]): T {
    const total = choices.reduce((sum, [, weight]) => sum + weight, 0);
    let roll = this.next() * total;
    for (const [value, weight] of choices) {
      roll -= weight;
      if (roll < 0) return value;
    }
    return choices[choices.length - 1][0];
  }

  /** `count` distinct items (or all of them when there are fewer), in random order. */
  sample<T>(items: readonly T[], count: number): T[] {
    const copy = [...items];
    const n = Math.min(count, copy.length);
    for (let i = 0; i < n; i++) {
      const j = i + Math.floor(this.next() * (copy.length - i));
      [copy[i], copy[j]] = [copy[j], copy[i]];
    }
    return copy.slice(0, n);
  }

  /** A string of `length` digits (leading zeros allowed). */
  digits(length: number): string {
    return this.faker.string.numeric({ length, allowLeadingZeros: true });
  }
}
