import { invalidStateTransition } from '@switchyard/kit';
import type { MilestoneCode, ShipmentStatus } from './store';

/**
 * The life of a shipment, milestone by milestone:
 *
 *   PLANNED ─PICKED─> PICKED ─PACKED─> PACKED ─confirmShipment─> SHIPPED ─recordDelivery─> DELIVERED
 *                                                               │  ↺ IN_TRANSIT (each carrier scan)
 *   PLANNED | PICKED | PACKED ──OrderCancelled──> CANCELLED (accepts nothing more)
 *
 * PLANNED is written by the planner only; SHIPPED only by confirmShipment (it needs a tracking
 * number) and DELIVERED only by recordDelivery. A shipment must be PACKED before it is confirmed:
 * the carrier takes packed freight, and the PACKED milestone is where the warehouse records it.
 */

/** Milestones recordMilestone accepts, with the status each needs and the status it leaves. */
const MILESTONE_STEPS: Partial<
  Record<MilestoneCode, { from: ShipmentStatus; to: ShipmentStatus }>
> = {
  PICKED: { from: 'PLANNED', to: 'PICKED' },
  PACKED: { from: 'PICKED', to: 'PACKED' },
  IN_TRANSIT: { from: 'SHIPPED', to: 'SHIPPED' },
};

/** Why a milestone is not recordMilestone's to write. */
const RECORDED_ELSEWHERE: Partial<Record<MilestoneCode, string>> = {
  PLANNED: 'PLANNED is written when the shipment is planned',
  SHIPPED: 'SHIPPED is recorded by confirmShipment, with the tracking number',
  DELIVERED: 'DELIVERED is recorded by recordDelivery',
};

/** The status a shipment in `status` has after milestone `code`, or INVALID_STATE_TRANSITION. */
export function statusAfterMilestone(
  shipmentId: string,
  status: ShipmentStatus,
  code: MilestoneCode,
): ShipmentStatus {
  const elsewhere = RECORDED_ELSEWHERE[code];
  if (elsewhere)
    throw invalidStateTransition(
      'Shipment',
      shipmentId,
      status,
      code,
      `shipment ${shipmentId}: ${elsewhere}, not by recordMilestone`,
    );
  const step = MILESTONE_STEPS[code]!;
  if (status !== step.from) {
    throw invalidStateTransition(
      'Shipment',
      shipmentId,
      status,
      code,
      `shipment ${shipmentId} is ${status}: ${code} can only be recorded on a ${step.from} shipment`,
    );
  }
  return step.to;
}

/** confirmShipment: PACKED -> SHIPPED. */
export function checkConfirmable(shipmentId: string, status: ShipmentStatus): void {
  if (status !== 'PACKED') {
    throw invalidStateTransition(
      'Shipment',
      shipmentId,
      status,
      'SHIPPED',
      `shipment ${shipmentId} is ${status}: only a PACKED shipment can be confirmed as shipped`,
    );
  }
}

/** recordDelivery: SHIPPED (in transit or not) -> DELIVERED. */
export function checkDeliverable(shipmentId: string, status: ShipmentStatus): void {
  if (status !== 'SHIPPED') {
    throw invalidStateTransition(
      'Shipment',
      shipmentId,
      status,
      'DELIVERED',
      `shipment ${shipmentId} is ${status}: only a SHIPPED shipment can be delivered`,
    );
  }
}
