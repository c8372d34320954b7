import { badUserInput } from '@switchyard/kit';
import {
  estimateFreight,
  rateUnit,
  type FreightEstimate,
  type FreightLine,
  type RatedUnit,
} from '../freight';
import { builder, Money } from './builder';
import { ServiceLevel } from './enums';
import { shipmentLinesLoader } from './loaders';
import {
  FREIGHT_REQUIRES,
  packedUnitOf,
  type RequiredProduct,
  type ShipmentWithFreightInputs,
} from './freight-inputs';
import { ProductRef } from './references';
import { ShipmentType } from './shipment-types';

const FreightLineType = builder.objectRef<FreightLine>('FreightLine').implement({
  description: "One shipment line's weights, as rated (quantity × one packed unit).",
  fields: (t) => ({
    lineNumber: t.exposeInt('lineNumber', { description: 'ShipmentLine.lineNumber.' }),
    quantity: t.exposeInt('quantity'),
    actualWeightKg: t.exposeFloat('actualWeightKg'),
    dimensionalWeightKg: t.exposeFloat('dimensionalWeightKg', {
      description: 'Carton volume in cm³ / 5,000, times the quantity.',
    }),
    billableWeightKg: t.exposeFloat('billableWeightKg', {
      description: 'The larger of the actual and the dimensional weight.',
    }),
  }),
});

const FreightEstimateType = builder.objectRef<FreightEstimate>('FreightEstimate').implement({
  description:
    "What the carrier will bill for a shipment at its service level: billable weight (the larger of actual and dimensional weight, per line; in all rounded up to 0.5 kg) times the service's rate per kg, at least its minimum charge.",
  fields: (t) => ({
    serviceLevel: t.field({ type: ServiceLevel, resolve: (f) => f.serviceLevel }),
    actualWeightKg: t.exposeFloat('actualWeightKg'),
    dimensionalWeightKg: t.exposeFloat('dimensionalWeightKg'),
    billableWeightKg: t.exposeFloat('billableWeightKg'),
    ratePerKg: t.field({ type: Money, resolve: (f) => f.ratePerKg }),
    minimumCharge: t.field({ type: Money, resolve: (f) => f.minimumCharge }),
    charge: t.field({ type: Money, resolve: (f) => f.charge }),
    lines: t.field({ type: [FreightLineType], resolve: (f) => f.lines }),
  }),
});

builder.objectField(ShipmentType, 'freight', (t) =>
  t.field(
    withRequires(
      builder.selection<{ lines: { product: RequiredProduct | null }[] }>(FREIGHT_REQUIRES),
      {
        type: FreightEstimateType,
        nullable: true,
        description:
          "The freight estimate from the catalog's shipping weights and carton sizes of its lines' products; null when one of them is not measured.",
        resolve: async (shipment: ShipmentWithFreightInputs, _args, ctx) => {
          const required = shipment.freightInputs;
          // Only a representation carries the catalog's measures (a gateway always plans @requires so):
          // a caller that asks this subgraph directly, or sends lines that do not fit, gets BAD_USER_INPUT.
          if (!required)
            throw badUserInput(
              `Shipment.freight of ${shipment.id}: the representation has no lines (@requires ${FREIGHT_REQUIRES})`,
            );
          const lines = await shipmentLinesLoader(ctx).load(shipment.id);
          // The gateway built `lines` from this subgraph's own Shipment.lines, in the same order (by line number).
          if (required.length !== lines.length)
            throw badUserInput(
              `Shipment.freight of ${shipment.id}: ${required.length} required lines for ${lines.length} lines`,
            );
          return estimateFreight(
            shipment.serviceLevel,
            lines.map((line, i) => ({
              lineNumber: line.lineNumber,
              quantity: line.quantity,
              unit: packedUnitOf(required[i].product),
            })),
          );
        },
      },
    ),
  ),
);

const FreightUnitType = builder.objectRef<RatedUnit>('FreightUnit').implement({
  description:
    'How the carrier rates one packed unit of a product: its actual weight, its dimensional weight (carton volume in cm³ / 5,000) and the larger of the two, which it bills.',
  fields: (t) => ({
    actualWeightKg: t.exposeFloat('actualWeightKg'),
    dimensionalWeightKg: t.exposeFloat('dimensionalWeightKg'),
    billableWeightKg: t.exposeFloat('billableWeightKg'),
  }),
});

builder.objectField(ProductRef, 'freightUnit', (t) =>
  t.field(
    withRequires(
      builder.selection<RequiredProduct>(
        'shippingWeightKg shippingLengthCm shippingWidthCm shippingHeightCm',
      ),
      {
        type: FreightUnitType,
        nullable: true,
        description:
          "How one packed unit is rated, from catalog's shipping weight and carton size; null while the product is not measured.",
        // The parent is the representation: the key and the @requires fields.
        resolve: (product: { id: string } & Partial<RequiredProduct>) => {
          const unit = packedUnitOf(product);
          return unit && rateUnit(unit);
        },
      },
    ),
  ),
);

/**
 * Pothos types `requires` only on fields of an externalRef, but its federation plugin writes the
 * @requires directive for any field that has it: here fields added to an entity type from another file.
 */
function withRequires<Options extends object>(
  requires: ReturnType<typeof builder.selection>,
  options: Options,
): Options {
  return Object.assign(options, { requires });
}
