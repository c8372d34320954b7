import { estimateFreight, rateUnit, type PackedUnit } from './freight';

// A box of bolts: heavy for its size (20 x 15 x 10 cm = 3,000 cm³, 0.6 kg dimensional).
const denseBox: PackedUnit = { weightKg: 2.4, lengthCm: 20, widthCm: 15, heightCm: 10 };
// A case of paper towels: light for its size (50 x 40 x 30 cm = 60,000 cm³, 12 kg dimensional).
const bulkyCase: PackedUnit = { weightKg: 0.8, lengthCm: 50, widthCm: 40, heightCm: 30 };

test('a dense line is billed by its actual weight, at the service rate per kg', () => {
  const estimate = estimateFreight('GROUND', [{ lineNumber: 1, quantity: 5, unit: denseBox }]);
  expect(estimate).toMatchObject({
    actualWeightKg: 12,
    dimensionalWeightKg: 3,
    billableWeightKg: 12,
    ratePerKg: { cents: 95, currency: 'USD' },
    charge: { cents: 1140, currency: 'USD' }, // 12 kg x 0.95
  });
});

test('a bulky line is billed by its dimensional weight (volume / 5,000), per line, then summed', () => {
  const estimate = estimateFreight('TWO_DAY', [
    { lineNumber: 1, quantity: 5, unit: denseBox },
    { lineNumber: 2, quantity: 2, unit: bulkyCase },
  ]);
  expect(estimate?.lines).toEqual([
    {
      lineNumber: 1,
      quantity: 5,
      actualWeightKg: 12,
      dimensionalWeightKg: 3,
      billableWeightKg: 12,
    },
    {
      lineNumber: 2,
      quantity: 2,
      actualWeightKg: 1.6,
      dimensionalWeightKg: 24,
      billableWeightKg: 24,
    },
  ]);
  // Billable is the sum of each line's larger weight (36), not the larger of the sums (27).
  expect(estimate).toMatchObject({
    actualWeightKg: 13.6,
    dimensionalWeightKg: 27,
    billableWeightKg: 36,
    charge: { cents: 7560 }, // 36 kg x 2.10
  });
});

test('the billable weight rounds up to the next half kilogram, and the minimum charge applies', () => {
  const small: PackedUnit = { weightKg: 0.45, lengthCm: 10, widthCm: 10, heightCm: 10 };
  const estimate = estimateFreight('GROUND', [{ lineNumber: 1, quantity: 3, unit: small }]);
  expect(estimate).toMatchObject({
    actualWeightKg: 1.35,
    dimensionalWeightKg: 0.6,
    billableWeightKg: 1.5,
    minimumCharge: { cents: 950 },
    charge: { cents: 950 }, // 1.5 kg x 0.95 = 1.43, under the 9.50 minimum
  });
});

test('each service has its own rate and minimum', () => {
  const line = [{ lineNumber: 1, quantity: 10, unit: bulkyCase }]; // 120 kg billable
  const charge = (service: 'GROUND' | 'TWO_DAY' | 'OVERNIGHT' | 'LTL') =>
    estimateFreight(service, line)?.charge.cents;
  expect([charge('GROUND'), charge('TWO_DAY'), charge('OVERNIGHT'), charge('LTL')]).toEqual([
    11400, 25200, 47400, 9500,
  ]);
});

test('a line whose product is not measured cannot be rated: no estimate', () => {
  expect(
    estimateFreight('GROUND', [
      { lineNumber: 1, quantity: 5, unit: denseBox },
      { lineNumber: 2, quantity: 1, unit: null },
    ]),
  ).toBeNull();
});

test('one packed unit is billed by the larger of its actual and dimensional weight', () => {
  expect(rateUnit(denseBox)).toEqual({
    actualWeightKg: 2.4,
    dimensionalWeightKg: 0.6,
    billableWeightKg: 2.4,
  });
  expect(rateUnit(bulkyCase)).toEqual({
    actualWeightKg: 0.8,
    dimensionalWeightKg: 12,
    billableWeightKg: 12,
  });
});
