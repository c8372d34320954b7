import {
  OrderToCashEvent,
  type EventHandler,
  type OrderAccepted,
  type OrderHeld,
} from '@switchyard/kit';
import type { CustomerStore } from './store';

/**
 * OrderAccepted, OrderHeld -> the customer orders through that channel. Why a projection fed by orders'
 * events rather than a flag an operator sets: "the web store sees the customers of its orders" must
 * hold for the order the store placed a second ago, and a row rule that had to ask orders would deny
 * whenever orders is away. A channel, once used, stays (a customer's past orders stay the store's).
 * Idempotent by its natural key (customer, channel); an OrderHeld written before events carried the
 * channel says nothing here.
 */
export const followCustomerChannels: EventHandler<CustomerStore> = {
  name: 'customers.follow-order-channels',
  on: [OrderToCashEvent.OrderAccepted, OrderToCashEvent.OrderHeld],
  async handle(event, { store }) {
    const { customerId, channel } = event.payload as OrderAccepted | OrderHeld;
    if (typeof channel === 'string') await store.recordCustomerChannel(customerId, channel);
  },
};
