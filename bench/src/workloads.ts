/**
 * The workloads of issues 5 and 18, each one operation sent as the same HTTP request to every gateway,
 * with variables drawn from the seed data so that consecutive requests differ (no gateway can stand
 * in a cached or merged answer for its own work):
 *   1. `order`: one order with its customer, lines, products, the customer's price, availability,
 *      shipments and invoices: every subgraph, a small result;
 *   2. `orders-50`: 50 orders placed before a date, as deep: entity batching, a large result;
 *   3. `persisted`: workload 1's shape as a registered operation sent by its id (sha-256) by the
 *      distributor partner, for its own orders: Switchyard's trusted documents, Apollo Server's
 *      APQ, Hive Gateway's persisted documents, all from the same `extensions.persistedQuery`;
 *   4. `orders-freight`: a dispatcher's freight view of recent orders: a large answer (80-100 KB)
 *      from a deep plan over five subgraphs, with @requires (shipments' Product.freightUnit needs
 *      catalog's weight and carton size) and @provides (an order line's product SKU comes with the
 *      order); 11 entity fetches under @apollo/query-planner.
 */
import { createHash } from 'node:crypto';
import type { Dataset } from '@switchyard/seed';
import { consumers, headersOf, PARTNER_CUSTOMER, type BenchConsumer } from './consumers';

export type WorkloadId = 'order' | 'orders-50' | 'persisted' | 'orders-freight';

export interface Workload {
  id: WorkloadId;
  /** Its number in the issues (1 to 4). */
  number: number;
  title: string;
  operationName: string;
  query: string;
  /** sha-256 of `query`: the persisted id. */
  queryHash: string;
  consumer: BenchConsumer;
  /** Sent by id only (a gateway must know the operation already). */
  persisted: boolean;
  /** One variables object per distinct request, drawn from the seed data. */
  variables: Record<string, unknown>[];
  headers: Record<string, string>;
  /** The request bodies, one per variables object, as sent. */
  bodies: string[];
  /** The body that registers the operation with an APQ gateway (text and hash). */
  registrationBody(variables: Record<string, unknown>): string;
}

/** Workload 4's page of orders: its answer is 80-100 KB. */
const ORDERS_FREIGHT_PAGE = 30;

const orderSelection = (price: string) => `
    id
    number
    status
    placedAt
    total { amount currency }
    customer { id name status paymentTerms }
    lines {
      lineNumber
      sku
      quantity
      unitPrice { amount currency }
      product {
        id
        name
        listPrice { amount currency }
        ${price} { unitPrice { amount currency } rule }
        totalAvailable
        availability { warehouse { id code } available }
      }
    }
    shipments { id status trackingNumber carrier { code name } lastMilestone { code at } }
    invoices { id number status dueAt total { amount currency } balance { amount currency } }`;

const ORDER_QUERY = `query OrderDetail($id: ID!, $customerId: ID) {
  order(id: $id) {${orderSelection('price(customerId: $customerId)')}
  }
}`;

const ORDERS_QUERY = `query RecentOrders($before: DateTime!) {
  orders(first: 50, placedBefore: $before) {
    edges {
      node {${orderSelection('price').replace(/\n/g, '\n      ')}
      }
    }
  }
}`;

const PARTNER_ORDER_QUERY = ORDER_QUERY.replace('query OrderDetail', 'query PartnerOrderDetail');

/**
 * Orders (orders) with their customer (customers), lines with product SKU (provided by orders), name
 * (catalog), stock (inventory) and freight unit; shipments (shipments) with their warehouse
 * (inventory), customer (customers) and lines' products (catalog) with their freight unit; invoices
 * (finance) with their lines' products (catalog). A product's freightUnit @requires its weight and
 * carton size: catalog, then shipments again, on both paths. Shipment.freight (the shipment's
 * estimate, its @requires nested through `lines { product { … } }`) is left out: Hive Gateway 2.15
 * cannot plan a @requires nested through a list field of the subgraph's own (SATISFIABILITY_ERROR).
 */
const ORDERS_FREIGHT_QUERY = `query OrderFreight($before: DateTime!) {
  orders(first: ${ORDERS_FREIGHT_PAGE}, placedBefore: $before) {
    edges {
      node {
        id
        number
        status
        placedAt
        customer { id name paymentTerms }
        lines {
          lineNumber
          quantity
          product { sku name totalAvailable freightUnit { billableWeightKg } }
        }
        shipments {
          id
          status
          serviceLevel
          trackingNumber
          carrier { code name mode }
          warehouse { id code name city region }
          customer { id name }
          lines {
            lineNumber
            quantity
            product {
              id
              sku
              name
              unitOfMeasure
              shippingWeightKg
              shippingLengthCm
              shippingWidthCm
              shippingHeightCm
              freightUnit { actualWeightKg dimensionalWeightKg billableWeightKg }
            }
          }
          lastMilestone { code at location }
        }
        invoices {
          id
          number
          status
          total { amount currency }
          lines { lineNumber quantity product { sku name listPrice { amount currency } } }
        }
      }
    }
  }
}`;

export interface PoolSizes {
  order: number;
  orders50: number;
  persisted: number;
  /** Workload 4's dates; as many as workload 2's when not given. */
  ordersFreight?: number;
}

export function workloadsOf(dataset: Dataset, sizes: PoolSizes): Workload[] {
  const orders = dataset.orders.orders;
  const chronological = [...orders].sort((a, b) => a.placed_at.localeCompare(b.placed_at));
  const partnerOrders = orders.filter((order) => order.customer_id === PARTNER_CUSTOMER);
  return [
    workload({
      id: 'order',
      number: 1,
      title: 'one order, every subgraph',
      operationName: 'OrderDetail',
      query: ORDER_QUERY,
      consumer: consumers.internal,
      persisted: false,
      variables: spread(orders, sizes.order).map((order) => ({
        id: order.id,
        customerId: order.customer_id,
      })),
    }),
    workload({
      id: 'orders-50',
      number: 2,
      title: '50 orders, as deep',
      operationName: 'RecentOrders',
      query: ORDERS_QUERY,
      consumer: consumers.internal,
      persisted: false,
      // Dates with at least 50 orders placed before them.
      variables: spread(chronological.slice(60), sizes.orders50).map((order) => ({
        before: order.placed_at,
      })),
    }),
    workload({
      id: 'persisted',
      number: 3,
      title: 'persisted by id, partner',
      operationName: 'PartnerOrderDetail',
      query: PARTNER_ORDER_QUERY,
      consumer: consumers.partner,
      persisted: true,
      variables: spread(partnerOrders, sizes.persisted).map((order) => ({
        id: order.id,
        customerId: PARTNER_CUSTOMER,
      })),
    }),
    workload({
      id: 'orders-freight',
      number: 4,
      title: 'freight of recent orders, @requires and @provides',
      operationName: 'OrderFreight',
      query: ORDERS_FREIGHT_QUERY,
      consumer: consumers.internal,
      persisted: false,
      // Dates with a full page of orders before them, among orders old enough to have shipped.
      variables: spread(
        chronological.slice(ORDERS_FREIGHT_PAGE, Math.floor(chronological.length * 0.8)),
        sizes.ordersFreight ?? sizes.orders50,
      ).map((order) => ({ before: order.placed_at })),
    }),
  ];
}

function workload(
  spec: Pick<
    Workload,
    'id' | 'number' | 'title' | 'operationName' | 'query' | 'consumer' | 'persisted' | 'variables'
  >,
): Workload {
  const queryHash = createHash('sha256').update(spec.query).digest('hex');
  const persistedQuery = { version: 1, sha256Hash: queryHash };
  const body = (variables: Record<string, unknown>) =>
    JSON.stringify(
      spec.persisted
        ? { operationName: spec.operationName, variables, extensions: { persistedQuery } }
        : { query: spec.query, operationName: spec.operationName, variables },
    );
  return {
    ...spec,
    queryHash,
    headers: headersOf(spec.consumer),
    bodies: spec.variables.map(body),
    registrationBody: (variables) =>
      JSON.stringify({
        query: spec.query,
        operationName: spec.operationName,
        variables,
        extensions: { persistedQuery },
      }),
  };
}

/** `count` items evenly spread over `items` (all of them when there are fewer). */
function spread<T>(items: T[], count: number): T[] {
  if (items.length <= count) return items;
  const step = items.length / count;
  return Array.from({ length: count }, (_, i) => items[Math.floor(i * step)]);
}

/** The partner's manifest (Apollo's persisted query manifest format), for Switchyard and Hive Gateway. */
export function manifestOf(workloads: Workload[]) {
  return {
    format: 'apollo-persisted-query-manifest',
    version: 1,
    operations: workloads
      .filter((w) => w.persisted)
      .map((w) => ({ id: w.queryHash, name: w.operationName, type: 'query', body: w.query })),
  };
}
