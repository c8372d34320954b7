import type { PackedUnit } from '../freight';
import type { Shipment } from '../store';

/** What the gateway sends for Shipment.freight's @requires: each line's product as catalog measures it. */
export const FREIGHT_REQUIRES =
  'lines { product { shippingWeightKg shippingLengthCm shippingWidthCm shippingHeightCm } }';

export interface RequiredProduct {
  shippingWeightKg: number | null;
  shippingLengthCm: number | null;
  shippingWidthCm: number | null;
  shippingHeightCm: number | null;
}

/** A shipment resolved from a representation that carried the @requires fields. */
export type ShipmentWithFreightInputs = Shipment & {
  freightInputs?: { product: RequiredProduct | null }[];
};

/** The representation's `lines`, kept on the shipment resolveReference answers (only they carry them). */
export function withFreightInputs(
  shipment: Shipment,
  representation: { lines?: unknown },
): ShipmentWithFreightInputs {
  return Array.isArray(representation.lines)
    ? { ...shipment, freightInputs: representation.lines as { product: RequiredProduct | null }[] }
    : shipment;
}

/** One unit as packed, or null when catalog has not measured the product (or the line has none). */
export function packedUnitOf(product: Partial<RequiredProduct> | null): PackedUnit | null {
  if (!product) return null;
  const { shippingWeightKg, shippingLengthCm, shippingWidthCm, shippingHeightCm } = product;
  if (
    shippingWeightKg == null ||
    shippingLengthCm == null ||
    shippingWidthCm == null ||
    shippingHeightCm == null
  )
    return null;
  return {
    weightKg: shippingWeightKg,
    lengthCm: shippingLengthCm,
    widthCm: shippingWidthCm,
    heightCm: shippingHeightCm,
  };
}
