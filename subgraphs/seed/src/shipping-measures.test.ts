import { generateDataset } from './generate';
import { shippingMeasuresOf } from './shipping-measures';

test('every seeded product is measured for shipping, within its unit’s carton profile', () => {
  const { products } = generateDataset({ seed: 42, scale: 0.05 }).catalog;
  for (const m of products) {
    expect(m.shipping_weight_g).toBeGreaterThan(0);
    expect(
      [m.length_mm, m.width_mm, m.height_mm].every((mm) => Number.isInteger(mm) && mm! > 0),
    ).toBe(true);
    if (m.unit_of_measure === 'FT') expect(m.length_mm).toBe(305); // one foot
  }
  // Cases are bulkier than packs on the whole: some are rated by dimensional weight.
  const volume = (p: (typeof products)[number]) => p.length_mm! * p.width_mm! * p.height_mm!;
  const cases = products.filter((p) => p.unit_of_measure === 'CS');
  expect(cases.some((p) => volume(p) / 5000 > p.shipping_weight_g! / 1000)).toBe(true);
});

test('measures come from the product id, not the random stream: the same id gives the same carton', () => {
  const product = { id: 'PRD-00042', unit_of_measure: 'BX' };
  expect(shippingMeasuresOf(product)).toEqual(shippingMeasuresOf({ ...product }));
  expect(shippingMeasuresOf(product)).not.toEqual(
    shippingMeasuresOf({ id: 'PRD-00043', unit_of_measure: 'BX' }),
  );
});
