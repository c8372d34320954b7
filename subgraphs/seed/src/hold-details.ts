import type { CustomerRow } from '@switchyard/customers/src/migrations';
import type { OrderLineRow, OrderRow } from '@switchyard/orders/src/migrations';
import { dollars } from './ids';
import type { Random } from './random';

/** Why order capture stopped an order (orders' HoldReason). */
export type HoldReason =
  'CREDIT' | 'CUSTOMER_STATUS' | 'INVENTORY' | 'PRICING' | 'DEPENDENCY_UNAVAILABLE';

/** The sentence an order desk would read on the hold. */
export function describeHold(
  random: Random,
  reason: HoldReason,
  {
    order,
    lines,
    customer,
  }: { order: OrderRow; lines: readonly OrderLineRow[]; customer: CustomerRow },
): string {
  const line = random.pick(lines);
  switch (reason) {
    case 'CREDIT': {
      const available = Math.max(0, Math.round(order.total_cents * random.between(0, 0.9)));
      return `Order total ${dollars(order.total_cents)} exceeds available credit of ${dollars(available)} (limit ${dollars(customer.credit_limit_cents)})`;
    }
    case 'CUSTOMER_STATUS':
      return `Account ${customer.account_number} is on hold; new orders need credit approval`;
    case 'INVENTORY':
      return `SKU ${line.sku}: ${line.quantity} requested, ${Math.floor(line.quantity * random.between(0, 0.6))} available across warehouses`;
    case 'PRICING':
      return `Line ${line.line_number} (SKU ${line.sku}): requested price override of ${random.int(8, 25)}% needs manager approval`;
    case 'DEPENDENCY_UNAVAILABLE':
      return 'Credit check could not complete: finance did not answer in time; retry before release';
  }
}
