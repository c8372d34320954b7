import type { Carrier, CarrierMode, ServiceLevel } from './store';

/**
 * The carrier of a planned shipment: the rule, as a pure function of the shipment's size, the
 * customer's shipping history and the carriers known.
 *
 * 1. The mode follows the size: more than FREIGHT_UNITS units go as LTL freight, fewer by parcel
 *    (the seed's freight orders are its large ones).
 * 2. Within that mode, the customer's usual carrier: the one that carried most of its shipments so
 *    far (cancelled ones aside), the most recent one on a tie. Customers and their docks are used to a
 *    carrier, and a 3PL contract (FastFreight) keeps its customers.
 * 3. A customer without history in that mode gets the mode's first carrier by code.
 * Service level: GROUND for parcel (faster levels are bought, never defaulted), LTL for freight.
 */
export const FREIGHT_UNITS = 100;

export interface CarrierUse {
  carrierId: string;
  shipments: number;
  /** The latest planned_at of those shipments. */
  lastPlannedAt: string;
}

export interface CarrierChoice {
  carrier: Carrier;
  serviceLevel: ServiceLevel;
}

export function chooseCarrier(
  totalUnits: number,
  customerHistory: readonly CarrierUse[],
  carriers: readonly Carrier[],
): CarrierChoice {
  const mode: CarrierMode = totalUnits > FREIGHT_UNITS ? 'LTL' : 'PARCEL';
  const ofMode = carriers
    .filter((c) => c.mode === mode)
    .sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
  if (ofMode.length === 0)
    throw new Error(`no ${mode} carrier is known to plan a shipment of ${totalUnits} units with`);
  const usual = customerHistory
    .filter((use) => ofMode.some((c) => c.id === use.carrierId))
    .sort(
      (a, b) =>
        b.shipments - a.shipments ||
        (a.lastPlannedAt < b.lastPlannedAt ? 1 : a.lastPlannedAt > b.lastPlannedAt ? -1 : 0),
    )[0];
  const carrier = usual ? ofMode.find((c) => c.id === usual.carrierId)! : ofMode[0];
  return { carrier, serviceLevel: mode === 'PARCEL' ? 'GROUND' : 'LTL' };
}
