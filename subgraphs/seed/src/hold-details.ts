import type { ClassifiedText } from '@switchyard/kit';
import type { CustomerRow } from '@switchyard/customers/src/migrations';
import { creditLimitExceeded, plainHold } from '@switchyard/orders/src/hold-details';
import type { OrderLineRow, OrderRow } from '@switchyard/orders/src/migrations';
import type { Random } from './random';

/** Why order capture stopped an order (orders' HoldReason). */
export type HoldReason =
  'CREDIT' | 'CUSTOMER_STATUS' | 'INVENTORY' | 'PRICING' | 'DEPENDENCY_UNAVAILABLE';

/** What an order desk would read on the hold, as the orders subgraph stores it: facts rendered per reader (a CREDIT hold's figures for credit:read only). */
export function describeHold(
  random: Random,
  reason: HoldReason,
  {
    order,
    lines,
    customer,
  }: { order: OrderRow; lines: readonly OrderLineRow[]; customer: CustomerRow },
): ClassifiedText {
  const line = random.pick(lines);
  switch (reason) {
    case 'CREDIT': {
      const available = Math.max(0, Math.round(order.total_cents * random.between(0, 0.9)));
      return creditLimitExceeded({
        orderTotalCents: order.total_cents,
        currency: order.currency,
        exposureCents: Math.max(0, customer.credit_limit_cents - available),
        limitCents: customer.credit_limit_cents,
      });
    }
    case 'CUSTOMER_STATUS':
      return plainHold(
        'CUSTOMER_NOT_ACTIVE',
        `Account ${customer.account_number} is on hold; new orders need credit approval`,
      );
    case 'INVENTORY':
      return plainHold(
        'STOCK_SHORT',
        `SKU ${line.sku}: ${line.quantity} requested, ${Math.floor(line.quantity * random.between(0, 0.6))} available across warehouses`,
      );
    case 'PRICING':
      return plainHold(
        'PRICE_OVERRIDE',
        `Line ${line.line_number} (SKU ${line.sku}): requested price override of ${random.int(8, 25)}% needs manager approval`,
      );
    case 'DEPENDENCY_UNAVAILABLE':
      return plainHold(
        'DEPENDENCY_UNAVAILABLE',
        'Credit check could not complete: finance did not answer in time; retry before release',
      );
  }
}
