import { HOLD_REASONS, ORDER_CHANNELS, ORDER_STATUSES, PRICING_RULES } from '../store';
import { builder } from './builder';

export const OrderStatusEnum = builder.enumType('OrderStatus', {
  description:
    'Where a sales order is in order-to-cash: ON_HOLD (blocked by an active hold) or ACCEPTED, then ALLOCATED (stock reserved) ' +
    'or BACKORDERED (waiting for stock), SHIPPED, INVOICED, PAID and finally CLOSED; CANCELLED orders go no further.',
  values: ORDER_STATUSES,
});

export const OrderChannelEnum = builder.enumType('OrderChannel', {
  description: 'How the order reached the distributor.',
  values: ORDER_CHANNELS,
});

/** Same name and values as catalog's PricingRule, so the composed graph has one enum. */
export const PricingRuleEnum = builder.enumType('PricingRule', {
  description:
    'Which rule set a price: a customer CONTRACT price, a QUANTITY_BREAK, the customer PRICE_LIST, or the LIST price.',
  values: PRICING_RULES,
});

export const HoldReasonEnum = builder.enumType('HoldReason', {
  description:
    'Why an order was held: CREDIT (over the credit limit or past due), PRICING (a price needs approval), INVENTORY, ' +
    'CUSTOMER_STATUS (the account is not active), DEPENDENCY_UNAVAILABLE (a system needed to validate it did not answer).',
  values: HOLD_REASONS,
});
