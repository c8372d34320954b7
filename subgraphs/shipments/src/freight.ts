/**
 * A shipment's freight estimate, rated as a parcel TMS does: each line's billable weight is the
 * larger of its actual weight and its dimensional weight (carton volume in cm³ / 5,000, the
 * parcel carriers' divisor), the shipment's billable weight is their sum rounded up to the next
 * half kilogram (carriers bill in 0.5 kg steps), and the charge is that weight times the service's
 * rate per kilogram, never below the service's minimum charge. LTL is rated per kilogram too, with
 * its own rate and minimum (a real LTL tariff rates by freight class and lane, not modelled here).
 * Rates are the distributor's negotiated contract rates, in US dollars.
 */
import { money, type Money } from '@switchyard/kit';

/** One unit as packed, as the catalog measures it (Product.shippingWeightKg and carton size). */
export interface PackedUnit {
  weightKg: number;
  lengthCm: number;
  widthCm: number;
  heightCm: number;
}

/** A shipment line to rate: its quantity and its product's packed unit (null when not measured). */
export interface FreightLineInput {
  lineNumber: number;
  quantity: number;
  unit: PackedUnit | null;
}

export interface FreightLine {
  lineNumber: number;
  quantity: number;
  actualWeightKg: number;
  dimensionalWeightKg: number;
  billableWeightKg: number;
}

export interface FreightEstimate {
  serviceLevel: ServiceLevel;
  actualWeightKg: number;
  dimensionalWeightKg: number;
  billableWeightKg: number;
  ratePerKg: Money;
  minimumCharge: Money;
  charge: Money;
  lines: FreightLine[];
}

export type ServiceLevel = 'GROUND' | 'TWO_DAY' | 'OVERNIGHT' | 'LTL';

/** cm³ per kilogram of dimensional weight. */
export const DIMENSIONAL_DIVISOR = 5000;

/** Rate per billable kilogram and minimum charge, in cents, by service. */
export const FREIGHT_RATES: Readonly<
  Record<ServiceLevel, { perKgCents: number; minimumCents: number }>
> = {
  GROUND: { perKgCents: 95, minimumCents: 950 },
  TWO_DAY: { perKgCents: 210, minimumCents: 1800 },
  OVERNIGHT: { perKgCents: 395, minimumCents: 3200 },
  LTL: { perKgCents: 38, minimumCents: 9500 },
};

/** Grams, so sums of weights do not pick up binary fractions. */
const toKg = (grams: number) => grams / 1000;
const grams = (kg: number) => Math.round(kg * 1000);

/** One packed unit's weights as rated: actual, dimensional (volume / 5,000) and billable (the larger). */
export interface RatedUnit {
  actualWeightKg: number;
  dimensionalWeightKg: number;
  billableWeightKg: number;
}

/** Grams of one unit: the figures a line multiplies by its quantity. */
function unitGrams(unit: PackedUnit) {
  const actual = grams(unit.weightKg);
  const dimensional = grams((unit.lengthCm * unit.widthCm * unit.heightCm) / DIMENSIONAL_DIVISOR);
  return { actual, dimensional };
}

/** How one packed unit of a product is rated (Product.freightUnit). */
export function rateUnit(unit: PackedUnit): RatedUnit {
  const { actual, dimensional } = unitGrams(unit);
  return {
    actualWeightKg: toKg(actual),
    dimensionalWeightKg: toKg(dimensional),
    billableWeightKg: toKg(Math.max(actual, dimensional)),
  };
}

/** The estimate, or null when a line's product has no shipping weight or carton size (it cannot be rated). */
export function estimateFreight(
  serviceLevel: ServiceLevel,
  lines: readonly FreightLineInput[],
): FreightEstimate | null {
  if (lines.some((line) => line.unit === null)) return null;
  const rated = lines.map((line) => {
    const perUnit = unitGrams(line.unit!);
    const actual = perUnit.actual * line.quantity;
    const dimensional = perUnit.dimensional * line.quantity;
    return { line, actual, dimensional, billable: Math.max(actual, dimensional) };
  });
  const sum = (pick: (r: (typeof rated)[number]) => number) =>
    rated.reduce((total, r) => total + pick(r), 0);
  const billableGrams = Math.ceil(sum((r) => r.billable) / 500) * 500;
  const rate = FREIGHT_RATES[serviceLevel];
  const chargeCents = Math.max(
    rate.minimumCents,
    Math.round((billableGrams * rate.perKgCents) / 1000),
  );
  return {
    serviceLevel,
    actualWeightKg: toKg(sum((r) => r.actual)),
    dimensionalWeightKg: toKg(sum((r) => r.dimensional)),
    billableWeightKg: toKg(billableGrams),
    ratePerKg: money(rate.perKgCents),
    minimumCharge: money(rate.minimumCents),
    charge: money(chargeCents),
    lines: rated.map(({ line, actual, dimensional, billable }) => ({
      lineNumber: line.lineNumber,
      quantity: line.quantity,
      actualWeightKg: toKg(actual),
      dimensionalWeightKg: toKg(dimensional),
      billableWeightKg: toKg(billable),
    })),
  };
}
