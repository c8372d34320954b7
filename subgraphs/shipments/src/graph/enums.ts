import { builder } from './builder';

export const ShipmentStatus = builder.enumType('ShipmentStatus', {
  description:
    'Where a shipment is in execution: PLANNED by the TMS, PICKED and PACKED in the warehouse, SHIPPED (handed to the carrier), DELIVERED, or CANCELLED before it shipped.',
  values: ['PLANNED', 'PICKED', 'PACKED', 'SHIPPED', 'DELIVERED', 'CANCELLED'] as const,
});

export const ServiceLevel = builder.enumType('ServiceLevel', {
  description: 'The carrier service bought: parcel GROUND, TWO_DAY or OVERNIGHT, or LTL freight.',
  values: ['GROUND', 'TWO_DAY', 'OVERNIGHT', 'LTL'] as const,
});

export const MilestoneCode = builder.enumType('MilestoneCode', {
  description:
    'An execution event reported by the warehouse (PLANNED, PICKED, PACKED, SHIPPED) or the carrier (IN_TRANSIT, DELIVERED).',
  values: ['PLANNED', 'PICKED', 'PACKED', 'SHIPPED', 'IN_TRANSIT', 'DELIVERED'] as const,
});

export const CarrierMode = builder.enumType('CarrierMode', {
  description:
    'How a carrier moves freight: PARCEL, LTL (less than truckload) or FTL (full truckload).',
  values: ['PARCEL', 'LTL', 'FTL'] as const,
});
