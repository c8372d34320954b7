import type { Dataset, GenerateOptions } from './dataset';
import { generateCatalog } from './generate-catalog';
import { generateCustomers } from './generate-customers';
import { generateFulfilment } from './generate-fulfilment';
import { generateStockLevels, generateWarehouses, warehouseRouting } from './generate-inventory';
import { generateOrderProgress } from './generate-order-progress';
import { generateOrders } from './generate-orders';
import { generateReceivables } from './generate-receivables';
import { PricingBook } from './pricing-book';
import { Random } from './random';

/** Row counts at scale 1. */
const BASE_COUNTS = { customers: 200, products: 2000, orders: 5000 };

/**
 * The seed data of all six systems of record, consistent across them. Pure and deterministic:
 * the same options always give the same rows (all dates are relative to SEED_ANCHOR).
 */
export function generateDataset({ seed = 42, scale = 1 }: GenerateOptions = {}): Dataset {
  if (!(scale > 0) || !Number.isFinite(scale))
    throw new Error(`scale must be a positive number, got ${scale}`);
  if (!Number.isInteger(seed)) throw new Error(`seed must be an integer, got ${seed}`);
  const random = new Random(seed);
  // small scales keep enough rows for every status and pricing rule to show up
  const count = (base: number, minimum: number) => Math.max(minimum, Math.round(base * scale));

  const customers = generateCustomers(random.fork('customers'), count(BASE_COUNTS.customers, 5));
  const catalog = generateCatalog(
    random.fork('catalog'),
    count(BASE_COUNTS.products, 50),
    customers.customers,
  );
  const warehouses = generateWarehouses(scale);
  const { tables: orders, plans } = generateOrders(
    random.fork('orders'),
    count(BASE_COUNTS.orders, 50),
    {
      customers,
      products: catalog.products,
      pricing: new PricingBook(catalog),
      warehouseFor: warehouseRouting(warehouses),
    },
  );
  const fulfilment = generateFulfilment(random.fork('fulfilment'), plans);
  const stock_levels = generateStockLevels(
    random.fork('inventory'),
    catalog.products,
    warehouses,
    fulfilment.allocations,
  );
  const finance = generateReceivables(
    random.fork('receivables'),
    customers.customers,
    plans,
    fulfilment.records,
  );
  Object.assign(orders, generateOrderProgress(plans, fulfilment.records, finance));
  // What the customers' and orders' event handlers would have learnt (customer-channels.ts, shipment-carriers.ts).
  orders.shipment_carriers = fulfilment.tables.shipments.map((shipment) => ({
    shipment_id: shipment.id,
    order_id: shipment.order_id,
    carrier_id: shipment.carrier_id,
  }));
  const channels = new Set(
    orders.orders.map((order) => `${order.customer_id}\u0000${order.channel}`),
  );
  const customer_channels = [...channels].sort().map((key) => {
    const [customer_id, channel] = key.split('\u0000');
    return { customer_id, channel };
  });

  customers.customer_channels = customer_channels;

  return {
    customers,
    catalog,
    inventory: { warehouses, stock_levels, allocations: fulfilment.allocations },
    orders,
    shipments: fulfilment.tables,
    finance,
  };
}
