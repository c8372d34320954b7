import type { ProductRow } from '@switchyard/catalog/src/migrations';

type Range = readonly [low: number, high: number];

/** The carton one unit ships in, by unit of measure: grams and millimetres (length, width, height). */
interface CartonProfile {
  weightG: Range;
  lengthMm: Range;
  widthMm: Range;
  heightMm: Range;
}

/**
 * Bulky-and-light units (a case of paper towels, a roll of can liners) are rated by their
 * dimensional weight, dense ones (a box of bolts) by their actual weight: the ranges give both.
 */
const CARTONS: Readonly<Record<string, CartonProfile>> = {
  EA: { weightG: [150, 4500], lengthMm: [100, 450], widthMm: [60, 300], heightMm: [40, 200] },
  BX: { weightG: [800, 6000], lengthMm: [150, 300], widthMm: [100, 220], heightMm: [60, 150] },
  PK: { weightG: [200, 2500], lengthMm: [120, 300], widthMm: [80, 200], heightMm: [30, 120] },
  CS: { weightG: [3000, 18000], lengthMm: [300, 600], widthMm: [250, 400], heightMm: [200, 400] },
  FT: { weightG: [30, 900], lengthMm: [305, 305], widthMm: [20, 60], heightMm: [20, 60] },
  RL: { weightG: [2000, 25000], lengthMm: [300, 600], widthMm: [300, 600], heightMm: [100, 300] },
};

/**
 * A product's shipping weight and carton size, drawn from its unit's profile by a hash of its id
 * rather than from the seed's random stream, so adding them changed no other seeded value.
 */
export function shippingMeasuresOf(
  product: Pick<ProductRow, 'id' | 'unit_of_measure'>,
): Pick<ProductRow, 'shipping_weight_g' | 'length_mm' | 'width_mm' | 'height_mm'> {
  const carton = CARTONS[product.unit_of_measure] ?? CARTONS.EA;
  const within = ([low, high]: Range, salt: string, step: number) =>
    Math.round((low + unitFraction(`${product.id}:${salt}`) * (high - low)) / step) * step;
  return {
    shipping_weight_g: within(carton.weightG, 'weight', 10),
    length_mm: within(carton.lengthMm, 'length', 5),
    width_mm: within(carton.widthMm, 'width', 5),
    height_mm: within(carton.heightMm, 'height', 5),
  };
}

/** FNV-1a of `text` as a fraction in [0, 1). */
function unitFraction(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash / 0x1_0000_0000;
}
