import { OrderToCashEvent, type EventHandler, type ShipmentPlanned } from '@switchyard/kit';
import type { OrderStore } from './store';

/**
 * ShipmentPlanned -> the order knows which carrier ships it. Why a projection here rather than a call
 * to shipments: a 3pl's row rule is decided on every order it reads (lists, lookups, `_entities`), and
 * a rule that has to ask another subgraph denies whenever that subgraph is away. Planned, not
 * confirmed: the carrier needs the order before the goods leave.
 */
export const followShipmentCarriers: EventHandler<OrderStore> = {
  name: 'orders.follow-shipment-carriers',
  on: [OrderToCashEvent.ShipmentPlanned],
  async handle(event, { store }) {
    await store.recordShipmentCarrier(event.payload as ShipmentPlanned);
  },
};
