/**
 * The federated graph end to end: six real subgraph servers over seeded SQLite and the real
 * gateway over HTTP; every answer is checked against what the databases hold.
 */
import { applyBasisPoints, formatCents } from '@switchyard/kit';
import { priceLine } from '@switchyard/catalog/src/pricing';
import type { Dataset } from '@switchyard/seed';
import { startGraph, type RunningGraph } from './testing/graph-harness';

let graph: RunningGraph;
let data: Dataset;
const correlationIdsSeen: string[] = [];

beforeAll(async () => {
  graph = await startGraph({
    seedScale: 0.1,
    prepare: async (subgraphs) => {
      for (const subgraph of Object.values(subgraphs)) {
        subgraph.server.addHook('onRequest', async (request) => {
          correlationIdsSeen.push(String(request.headers['x-correlation-id']));
        });
      }
    },
  });
  data = graph.dataset!;
}, 120_000);
afterAll(() => graph.close());

const usd = (cents: number) => ({ amount: formatCents(cents), currency: 'USD' });
const byId = <T extends { id: string }>(rows: T[]) => new Map(rows.map((r) => [r.id, r]));

function invoiceBalance(invoiceId: string): number {
  const invoice = data.finance.invoices.find((i) => i.id === invoiceId)!;
  if (invoice.status === 'VOID') return 0;
  const applied = data.finance.payment_applications
    .filter((a) => a.invoice_id === invoiceId)
    .reduce((sum, a) => sum + a.amount_cents, 0);
  return invoice.total_cents - applied;
}

const ORDER_TO_CASH = /* GraphQL */ `
  query OrderToCash($first: Int, $after: String) {
    orders(first: $first, after: $after) {
      edges {
        node {
          id
          number
          status
          customer {
            id
            name
            creditLimit {
              amount
              currency
            }
            openBalance {
              amount
              currency
            }
          }
          lines {
            lineNumber
            quantity
            unitPrice {
              amount
              currency
            }
            product {
              sku
              name
              availability {
                warehouse {
                  code
                }
                onHand
                available
              }
            }
          }
          shipments {
            id
            status
            carrier {
              name
            }
            trackingNumber
            milestones {
              code
              at
            }
          }
          invoices {
            id
            number
            status
            total {
              amount
              currency
            }
            balance {
              amount
              currency
            }
          }
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`;

describe('the order-to-cash query across all six subgraphs', () => {
  test('returns, for the 20 newest orders, exactly what the six databases hold', async () => {
    const { body } = await graph.query(ORDER_TO_CASH, { first: 20 });
    expect(body.errors).toBeUndefined();
    const expectedIds = data.orders.orders
      .map((o) => o.id)
      .sort()
      .reverse()
      .slice(0, 20);
    const nodes = body.data.orders.edges.map((e: any) => e.node);
    expect(nodes.map((n: any) => n.id)).toEqual(expectedIds);
    expect(body.data.orders.pageInfo.hasNextPage).toBe(true);

    const customers = byId(data.customers.customers);
    const products = byId(data.catalog.products);
    const warehouses = byId(data.inventory.warehouses);
    const carriers = byId(data.shipments.carriers);
    for (const node of nodes) {
      const order = data.orders.orders.find((o) => o.id === node.id)!;
      expect(node.number).toBe(order.number);
      expect(node.status).toBe(order.status);

      const customer = customers.get(order.customer_id)!;
      const openInvoices = data.finance.invoices.filter(
        (i) =>
          i.customer_id === customer.id &&
          ['OPEN', 'PARTIALLY_PAID', 'DISPUTED'].includes(i.status),
      );
      expect(node.customer).toEqual({
        id: customer.id,
        name: customer.name,
        creditLimit: usd(customer.credit_limit_cents),
        openBalance: usd(openInvoices.reduce((sum, i) => sum + invoiceBalance(i.id), 0)),
      });

      const lines = data.orders.order_lines
        .filter((l) => l.order_id === order.id)
        .sort((a, b) => a.line_number - b.line_number);
      expect(
        node.lines.map((l: any) => [
          l.lineNumber,
          l.quantity,
          l.unitPrice.amount,
          l.product.sku,
          l.product.name,
        ]),
      ).toEqual(
        lines.map((l) => [
          l.line_number,
          l.quantity,
          formatCents(l.unit_price_cents),
          products.get(l.product_id!)!.sku,
          products.get(l.product_id!)!.name,
        ]),
      );
      for (const line of node.lines) {
        const productId = lines.find((l) => l.line_number === line.lineNumber)!.product_id;
        const stock = data.inventory.stock_levels
          .filter((s) => s.product_id === productId)
          .map((s) => ({
            warehouse: { code: warehouses.get(s.warehouse_id)!.code },
            onHand: s.on_hand,
            available: s.on_hand - s.allocated,
          }));
        expect(line.product.availability).toHaveLength(stock.length);
        expect(line.product.availability).toEqual(expect.arrayContaining(stock));
      }

      const shipments = data.shipments.shipments.filter((s) => s.order_id === order.id);
      expect(node.shipments.map((s: any) => s.id).sort()).toEqual(
        shipments.map((s) => s.id).sort(),
      );
      for (const shipment of node.shipments) {
        const row = shipments.find((s) => s.id === shipment.id)!;
        expect(shipment.status).toBe(row.status);
        expect(shipment.trackingNumber).toBe(row.tracking_number);
        expect(shipment.carrier.name).toBe(carriers.get(row.carrier_id)!.name);
        const milestones = data.shipments.milestones
          .filter((m) => m.shipment_id === row.id)
          .sort((a, b) => a.at.localeCompare(b.at));
        expect(shipment.milestones.map((m: any) => m.code)).toEqual(milestones.map((m) => m.code));
      }

      const invoices = data.finance.invoices.filter((i) => i.order_id === order.id);
      expect(node.invoices.map((i: any) => i.id).sort()).toEqual(invoices.map((i) => i.id).sort());
      for (const invoice of node.invoices) {
        const row = invoices.find((i) => i.id === invoice.id)!;
        expect(invoice).toEqual({
          id: row.id,
          number: row.number,
          status: row.status,
          total: usd(row.total_cents),
          balance: usd(invoiceBalance(row.id)),
        });
      }
    }
  });

  test('pages through orders without gaps or repeats', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 4; page++) {
      const { body } = await graph.query(ORDER_TO_CASH, { first: 25, after });
      expect(body.errors).toBeUndefined();
      seen.push(...body.data.orders.edges.map((e: any) => e.node.id));
      after = body.data.orders.pageInfo.endCursor;
    }
    expect(seen).toEqual(
      data.orders.orders
        .map((o) => o.id)
        .sort()
        .reverse()
        .slice(0, 100),
    );
  });

  test('batches: 50 orders cost the same bounded number of SQL statements per subgraph as 5', async () => {
    const statementsFor = async (first: number) => {
      for (const subgraph of Object.values(graph.subgraphs)) subgraph.database.statements.count = 0;
      const { body } = await graph.query(ORDER_TO_CASH, { first });
      expect(body.errors).toBeUndefined();
      return Object.fromEntries(
        Object.entries(graph.subgraphs).map(([name, s]) => [name, s.database.statements.count]),
      );
    };
    const few = await statementsFor(5);
    const many = await statementsFor(50);
    for (const name of Object.keys(many)) {
      expect(many[name]).toBeLessThanOrEqual(8);
      expect(many[name]).toBeLessThanOrEqual(few[name] + 1);
    }
  });

  test('forwards the correlation id to every subgraph it calls and returns it', async () => {
    correlationIdsSeen.length = 0;
    const response = await graph.query(
      ORDER_TO_CASH,
      { first: 3 },
      { 'x-correlation-id': 'o2c-trace-1' },
    );
    expect(response.headers.get('x-correlation-id')).toBe('o2c-trace-1');
    expect(correlationIdsSeen.length).toBeGreaterThanOrEqual(5);
    expect(new Set(correlationIdsSeen)).toEqual(new Set(['o2c-trace-1']));
  });
});

describe('entity resolution across every ownership edge', () => {
  test('a customer with its price list (catalog), orders (orders), balances and invoices (finance)', async () => {
    const customer = data.customers.customers.find((c) =>
      data.finance.invoices.some((i) => i.customer_id === c.id),
    )!;
    const { body } = await graph.query(
      `query ($id: ID!) { customer(id: $id) {
        id accountNumber priceList { code }
        orders(first: 100) { totalCount edges { node { id customer { id } } } }
        openBalance { amount } creditExposure { amount } aging { total { amount } }
        invoices(first: 100) { totalCount edges { node { id customer { id } } } }
      } }`,
      { id: customer.id },
    );
    expect(body.errors).toBeUndefined();
    const c = body.data.customer;
    const orders = data.orders.orders.filter((o) => o.customer_id === customer.id);
    expect(c.orders.totalCount).toBe(orders.length);
    expect(c.orders.edges.map((e: any) => e.node.id)).toEqual(
      orders
        .map((o) => o.id)
        .sort()
        .reverse()
        .slice(0, 100),
    );
    expect(c.orders.edges.every((e: any) => e.node.customer.id === customer.id)).toBe(true);
    const assigned = data.catalog.customer_price_lists.find((p) => p.customer_id === customer.id);
    expect(c.priceList?.code ?? null).toBe(
      assigned ? data.catalog.price_lists.find((p) => p.id === assigned.price_list_id)!.code : null,
    );
    const open = data.finance.invoices.filter(
      (i) =>
        i.customer_id === customer.id && ['OPEN', 'PARTIALLY_PAID', 'DISPUTED'].includes(i.status),
    );
    const openBalance = open.reduce((sum, i) => sum + invoiceBalance(i.id), 0);
    const openOrders = data.finance.open_orders
      .filter((o) => o.customer_id === customer.id)
      .reduce((sum, o) => sum + o.uninvoiced_cents, 0);
    expect(c.openBalance.amount).toBe(formatCents(openBalance));
    expect(c.aging.total.amount).toBe(formatCents(openBalance));
    expect(c.creditExposure.amount).toBe(formatCents(openBalance + openOrders));
    expect(c.invoices.totalCount).toBe(
      data.finance.invoices.filter((i) => i.customer_id === customer.id).length,
    );
  });

  test('a shipment with its order, warehouse, lines, products and invoice; the invoice back to its shipment', async () => {
    const invoice = data.finance.invoices[0];
    const shipment = data.shipments.shipments.find((s) => s.id === invoice.shipment_id)!;
    const { body } = await graph.query(
      `query ($id: ID!) { shipment(id: $id) {
        id order { id number customer { id } } warehouse { code } lines { quantity product { sku } }
        invoice { id shipment { id } order { id } customer { id } lines { sku quantity } }
      } }`,
      { id: shipment.id },
    );
    expect(body.errors).toBeUndefined();
    const s = body.data.shipment;
    const order = data.orders.orders.find((o) => o.id === shipment.order_id)!;
    expect(s.order).toEqual({
      id: order.id,
      number: order.number,
      customer: { id: order.customer_id },
    });
    expect(s.warehouse.code).toBe(
      data.inventory.warehouses.find((w) => w.id === shipment.warehouse_id)!.code,
    );
    expect(s.invoice).toMatchObject({
      id: invoice.id,
      shipment: { id: shipment.id },
      order: { id: order.id },
      customer: { id: invoice.customer_id },
    });
    const shipped = data.shipments.shipment_lines.filter((l) => l.shipment_id === shipment.id);
    expect(s.lines.map((l: any) => l.quantity).sort()).toEqual(
      shipped.map((l) => l.quantity).sort(),
    );
  });

  test('an order with its allocations (inventory) and a product by sku', async () => {
    const allocation = data.inventory.allocations[0];
    const { body } = await graph.query(
      `query ($id: ID!) { order(id: $id) { id allocations { quantity warehouse { code } product { sku } } } }`,
      { id: allocation.order_id },
    );
    expect(body.errors).toBeUndefined();
    const expected = data.inventory.allocations.filter((a) => a.order_id === allocation.order_id);
    expect(body.data.order.allocations).toHaveLength(expected.length);
    const product = data.catalog.products[3];
    const bySku = await graph.query(
      `query ($sku: String!) { product(sku: $sku) { id sku totalAvailable } }`,
      { sku: product.sku },
    );
    const available = data.inventory.stock_levels
      .filter((s) => s.product_id === product.id)
      .reduce((sum, s) => sum + s.on_hand - s.allocated, 0);
    expect(bySku.body.data.product).toEqual({
      id: product.id,
      sku: product.sku,
      totalAvailable: available,
    });
  });
});

describe('filters', () => {
  test('orders by status, customer and date range match the database', async () => {
    const order = data.orders.orders.find((o) => o.status === 'SHIPPED')!;
    const { body } = await graph.query(
      `query ($c: ID) { orders(first: 100, status: SHIPPED, customerId: $c) { edges { node { id } } } }`,
      { c: order.customer_id },
    );
    expect(body.errors).toBeUndefined();
    const expected = data.orders.orders
      .filter((o) => o.status === 'SHIPPED' && o.customer_id === order.customer_id)
      .map((o) => o.id)
      .sort()
      .reverse();
    expect(body.data.orders.edges.map((e: any) => e.node.id)).toEqual(expected);

    const from = '2026-09-01T00:00:00.000Z';
    const to = '2026-09-15T00:00:00.000Z';
    const ranged = await graph.query(
      `query ($a: DateTime, $b: DateTime) { orders(first: 100, placedAfter: $a, placedBefore: $b) { totalCount } }`,
      { a: from, b: to },
    );
    expect(ranged.body.errors).toBeUndefined();
    expect(ranged.body.data.orders.totalCount).toBe(
      data.orders.orders.filter((o) => o.placed_at >= from && o.placed_at < to).length,
    );
  });

  test('products by text search and invoices by status', async () => {
    const product = data.catalog.products[10];
    const { body } = await graph.query(
      `query ($q: String) { products(first: 100, search: $q) { edges { node { sku } } } }`,
      { q: product.sku.toLowerCase() },
    );
    expect(body.data.products.edges.map((e: any) => e.node.sku)).toContain(product.sku);
    const disputed = await graph.query(`{ invoices(first: 100, status: DISPUTED) { totalCount } }`);
    expect(disputed.body.data.invoices.totalCount).toBe(
      data.finance.invoices.filter((i) => i.status === 'DISPUTED').length,
    );
  });
});

describe('pricing rules through the graph', () => {
  const now = new Date().toISOString();
  function expectedPrice(customerId: string | null, productId: string, quantity: number) {
    const product = data.catalog.products.find((p) => p.id === productId)!;
    const assignment = customerId
      ? data.catalog.customer_price_lists.find((a) => a.customer_id === customerId)
      : undefined;
    const item =
      assignment &&
      data.catalog.price_list_items.find(
        (i) => i.price_list_id === assignment.price_list_id && i.product_id === productId,
      );
    return priceLine({
      listPriceCents: product.list_price_cents,
      priceListPriceCents: item?.price_cents ?? null,
      contracts: data.catalog.contract_prices
        .filter((c) => c.customer_id === customerId && c.product_id === productId)
        .map((c) => ({ priceCents: c.price_cents, validFrom: c.valid_from, validTo: c.valid_to })),
      quantityBreaks: data.catalog.quantity_breaks
        .filter((b) => b.product_id === productId)
        .map((b) => ({ minQuantity: b.min_quantity, priceCents: b.price_cents })),
      quantity,
      at: now,
    });
  }

  test.each(['CONTRACT', 'QUANTITY_BREAK', 'PRICE_LIST', 'LIST'])(
    'a line priced by %s says so, at the price the rules give',
    async (rule) => {
      const candidates: [string | null, string, number][] = [];
      for (const c of data.catalog.contract_prices)
        candidates.push([c.customer_id, c.product_id, 1]);
      for (const b of data.catalog.quantity_breaks)
        candidates.push([null, b.product_id, b.min_quantity]);
      for (const a of data.catalog.customer_price_lists.slice(0, 20)) {
        for (const i of data.catalog.price_list_items
          .filter((i) => i.price_list_id === a.price_list_id)
          .slice(0, 5))
          candidates.push([a.customer_id, i.product_id, 1]);
      }
      for (const p of data.catalog.products.slice(0, 50)) candidates.push([null, p.id, 1]);
      const match = candidates.find(([c, p, q]) => expectedPrice(c, p, q).rule === rule);
      expect(match).toBeDefined();
      const [customerId, productId, quantity] = match!;
      const expected = expectedPrice(customerId, productId, quantity);
      const { body } = await graph.query(
        `query ($id: ID!, $c: ID, $q: Int) { product(id: $id) { price(customerId: $c, quantity: $q) { rule unitPrice { amount currency } extendedPrice { amount currency } } } }`,
        { id: productId, c: customerId, q: quantity },
      );
      expect(body.errors).toBeUndefined();
      expect(body.data.product.price).toEqual({
        rule,
        unitPrice: usd(expected.unitPriceCents),
        extendedPrice: usd(expected.extendedCents),
      });
    },
  );
});

describe('reconciliation', () => {
  test('every invoice total is its lines plus tax, and its balance is what payments left', async () => {
    const { body } = await graph.query(
      `{ invoices(first: 100) { edges { node { id subtotal { amount } tax { amount } total { amount } amountPaid { amount } balance { amount } lines { quantity unitPrice { amount } extendedPrice { amount } } } } } }`,
    );
    expect(body.errors).toBeUndefined();
    for (const { node } of body.data.invoices.edges) {
      const row = data.finance.invoices.find((i) => i.id === node.id)!;
      const lines = data.finance.invoice_lines.filter((l) => l.invoice_id === row.id);
      const subtotal = lines.reduce((sum, l) => sum + l.quantity * l.unit_price_cents, 0);
      expect(node.subtotal.amount).toBe(formatCents(subtotal));
      expect(node.tax.amount).toBe(formatCents(applyBasisPoints(subtotal, row.tax_rate_bps)));
      expect(node.total.amount).toBe(
        formatCents(subtotal + applyBasisPoints(subtotal, row.tax_rate_bps)),
      );
      expect(node.balance.amount).toBe(formatCents(invoiceBalance(row.id)));
      expect(Number(node.balance.amount)).toBeGreaterThanOrEqual(0);
    }
  });

  test('no payment is applied beyond its amount; unapplied cash is kept', async () => {
    const { body } = await graph.query(
      `{ payments(first: 100) { edges { node { id amount { amount } appliedAmount { amount } unappliedAmount { amount } applications { amount { amount } invoice { id } } } } } }`,
    );
    expect(body.errors).toBeUndefined();
    for (const { node } of body.data.payments.edges) {
      const row = data.finance.payments.find((p) => p.id === node.id)!;
      const applied = data.finance.payment_applications
        .filter((a) => a.payment_id === row.id)
        .reduce((sum, a) => sum + a.amount_cents, 0);
      expect(node.amount.amount).toBe(formatCents(row.amount_cents));
      expect(node.appliedAmount.amount).toBe(formatCents(applied));
      expect(node.unappliedAmount.amount).toBe(formatCents(row.amount_cents - applied));
      expect(applied).toBeLessThanOrEqual(row.amount_cents);
    }
  });
});
