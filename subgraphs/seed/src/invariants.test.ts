import { priceLine } from '@switchyard/catalog/src/pricing';
import { applyBasisPoints } from '@switchyard/kit';
import { generateDataset, type Dataset } from './index';

/**
 * The dataset reconciles across the six systems of record. Each test checks one rule over every
 * row of the scale-1 dataset and collects the rows that break it, so a failure names them.
 */
let d: Dataset;
beforeAll(() => {
  d = generateDataset({ seed: 42, scale: 1 });
});

const DAY_MS = 86_400_000;
const TERMS_DAYS: Record<string, number> = { COD: 0, NET15: 15, NET30: 30, NET45: 45, NET60: 60 };
const SHIPPED_OR_LATER = ['SHIPPED', 'INVOICED', 'PAID', 'CLOSED'];

function groupBy<T>(rows: readonly T[], key: (row: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const row of rows) {
    const k = key(row);
    groups.set(k, [...(groups.get(k) ?? []), row]);
  }
  return groups;
}
const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
const byId = <T extends { id: string }>(rows: readonly T[]) => new Map(rows.map((r) => [r.id, r]));

test('primary keys and unique columns are unique', () => {
  const unique = (values: (string | null)[]) => {
    const present = values.filter((v) => v !== null);
    return present.length === new Set(present).size;
  };
  expect(unique(d.customers.customers.map((c) => c.id))).toBe(true);
  expect(unique(d.customers.customers.map((c) => c.account_number))).toBe(true);
  expect(unique(d.catalog.products.map((p) => p.sku))).toBe(true);
  expect(unique(d.catalog.price_list_items.map((i) => `${i.price_list_id}|${i.product_id}`))).toBe(
    true,
  );
  expect(unique(d.inventory.stock_levels.map((s) => `${s.product_id}|${s.warehouse_id}`))).toBe(
    true,
  );
  expect(unique(d.orders.orders.map((o) => o.number))).toBe(true);
  expect(unique(d.orders.orders.map((o) => o.idempotency_key))).toBe(true);
  expect(unique(d.orders.order_lines.map((l) => `${l.order_id}|${l.line_number}`))).toBe(true);
  expect(unique(d.shipments.shipments.map((s) => s.tracking_number))).toBe(true);
  expect(unique(d.shipments.milestones.map((m) => m.id))).toBe(true);
  expect(unique(d.finance.invoices.map((i) => i.number))).toBe(true);
  expect(unique(d.finance.invoices.map((i) => i.shipment_id))).toBe(true);
  expect(unique(d.finance.payments.map((p) => p.id))).toBe(true);
});

test('references across the six databases all resolve', () => {
  const customers = byId(d.customers.customers);
  const products = byId(d.catalog.products);
  const warehouses = byId(d.inventory.warehouses);
  const orders = byId(d.orders.orders);
  const shipments = byId(d.shipments.shipments);
  const invoices = byId(d.finance.invoices);
  const payments = byId(d.finance.payments);
  const carriers = byId(d.shipments.carriers);
  const categories = byId(d.catalog.categories);
  const taxRegions = new Set(d.finance.tax_rates.map((t) => t.region));
  const broken = [
    ...d.customers.contacts.filter((c) => !customers.has(c.customer_id)),
    ...d.customers.addresses.filter(
      (a) => !customers.has(a.customer_id) || !taxRegions.has(a.region),
    ),
    ...d.catalog.categories.filter((c) => c.parent_id !== null && !categories.has(c.parent_id)),
    ...d.catalog.products.filter((p) => !categories.has(p.category_id)),
    ...d.catalog.customer_price_lists.filter((c) => !customers.has(c.customer_id)),
    ...d.catalog.contract_prices.filter(
      (c) => !customers.has(c.customer_id) || !products.has(c.product_id),
    ),
    ...d.catalog.quantity_breaks.filter((b) => !products.has(b.product_id)),
    ...d.inventory.stock_levels.filter(
      (s) => !products.has(s.product_id) || !warehouses.has(s.warehouse_id),
    ),
    ...d.inventory.allocations.filter(
      (a) =>
        !orders.has(a.order_id) || !products.has(a.product_id) || !warehouses.has(a.warehouse_id),
    ),
    ...d.orders.orders.filter(
      (o) => !customers.has(o.customer_id) || !taxRegions.has(o.ship_to_region),
    ),
    ...d.orders.order_lines.filter(
      (l) => !orders.has(l.order_id) || products.get(l.product_id ?? '')?.sku !== l.sku,
    ),
    ...d.orders.holds.filter((h) => !orders.has(h.order_id)),
    ...d.shipments.shipments.filter(
      (s) =>
        orders.get(s.order_id)?.customer_id !== s.customer_id ||
        !warehouses.has(s.warehouse_id) ||
        !carriers.has(s.carrier_id),
    ),
    ...d.shipments.shipment_lines.filter(
      (l) => !shipments.has(l.shipment_id) || !products.has(l.product_id),
    ),
    ...d.shipments.milestones.filter((m) => !shipments.has(m.shipment_id)),
    ...d.finance.invoices.filter(
      (i) =>
        !customers.has(i.customer_id) ||
        orders.get(i.order_id)?.customer_id !== i.customer_id ||
        shipments.get(i.shipment_id)?.order_id !== i.order_id,
    ),
    ...d.finance.invoice_lines.filter(
      (l) => !invoices.has(l.invoice_id) || products.get(l.product_id ?? '')?.sku !== l.sku,
    ),
    ...d.finance.payments.filter((p) => !customers.has(p.customer_id)),
    ...d.finance.payment_applications.filter(
      (a) =>
        payments.get(a.payment_id)?.customer_id !== invoices.get(a.invoice_id)?.customer_id ||
        !invoices.has(a.invoice_id),
    ),
    ...d.finance.open_orders.filter((o) => orders.get(o.order_id)?.customer_id !== o.customer_id),
  ];
  expect(broken).toEqual([]);
});

test('money is whole cents, never negative', () => {
  const amounts = [
    ...d.customers.customers.map((c) => c.credit_limit_cents),
    ...d.catalog.products.flatMap((p) => [p.list_price_cents, p.cost_price_cents]),
    ...d.catalog.price_list_items.map((i) => i.price_cents),
    ...d.catalog.contract_prices.map((c) => c.price_cents),
    ...d.catalog.quantity_breaks.map((b) => b.price_cents),
    ...d.orders.orders.flatMap((o) => [o.subtotal_cents, o.tax_cents, o.total_cents]),
    ...d.orders.order_lines.flatMap((l) => [l.unit_price_cents, l.extended_cents]),
    ...d.finance.invoices.flatMap((i) => [i.subtotal_cents, i.tax_cents, i.total_cents]),
    ...d.finance.payments.map((p) => p.amount_cents),
    ...d.finance.payment_applications.map((a) => a.amount_cents),
  ];
  expect(amounts.filter((cents) => !Number.isInteger(cents) || cents < 0)).toEqual([]);
  expect(d.catalog.products.filter((p) => p.cost_price_cents >= p.list_price_cents)).toEqual([]);
});

test('customers have one default bill-to, one to three ship-tos with one default, and a primary contact', () => {
  const addresses = groupBy(d.customers.addresses, (a) => a.customer_id);
  const contacts = groupBy(d.customers.contacts, (c) => c.customer_id);
  const broken = d.customers.customers.filter((c) => {
    const own = addresses.get(c.id) ?? [];
    const billTo = own.filter((a) => a.kind === 'BILL_TO');
    const shipTo = own.filter((a) => a.kind === 'SHIP_TO');
    const people = contacts.get(c.id) ?? [];
    return (
      billTo.length !== 1 ||
      billTo[0].is_default !== 1 ||
      shipTo.length < 1 ||
      shipTo.length > 3 ||
      shipTo.filter((a) => a.is_default === 1).length !== 1 ||
      people.length < 1 ||
      people.length > 3 ||
      people.filter((p) => p.is_primary === 1).length !== 1
    );
  });
  expect(broken).toEqual([]);
});

test('order totals: lines extend unit price by quantity, tax is the ship-to rate on the subtotal', () => {
  const lines = groupBy(d.orders.order_lines, (l) => l.order_id);
  const rates = new Map(d.finance.tax_rates.map((t) => [t.region, t.rate_bps]));
  const broken = d.orders.orders.filter((o) => {
    const own = lines.get(o.id) ?? [];
    return (
      own.length < 1 ||
      own.length > 8 ||
      own.some(
        (l, i) =>
          l.line_number !== i + 1 ||
          l.quantity < 1 ||
          l.extended_cents !== l.unit_price_cents * l.quantity,
      ) ||
      new Set(own.map((l) => l.product_id)).size !== own.length ||
      o.subtotal_cents !== sum(own.map((l) => l.extended_cents)) ||
      o.tax_cents !== applyBasisPoints(o.subtotal_cents, rates.get(o.ship_to_region)!) ||
      o.total_cents !== o.subtotal_cents + o.tax_cents
    );
  });
  expect(broken).toEqual([]);
});

test("re-pricing every order line with the catalog's priceLine gives its stored unit price and rule", () => {
  const products = byId(d.catalog.products);
  const orders = byId(d.orders.orders);
  const priceListOf = new Map(
    d.catalog.customer_price_lists.map((c) => [c.customer_id, c.price_list_id]),
  );
  const listPrices = new Map(
    d.catalog.price_list_items.map((i) => [`${i.price_list_id}|${i.product_id}`, i.price_cents]),
  );
  const contracts = groupBy(d.catalog.contract_prices, (c) => `${c.customer_id}|${c.product_id}`);
  const breaks = groupBy(d.catalog.quantity_breaks, (b) => b.product_id);
  const broken = d.orders.order_lines.filter((line) => {
    const order = orders.get(line.order_id)!;
    const priced = priceLine({
      listPriceCents: products.get(line.product_id!)!.list_price_cents,
      priceListPriceCents:
        listPrices.get(`${priceListOf.get(order.customer_id)}|${line.product_id}`) ?? null,
      contracts: (contracts.get(`${order.customer_id}|${line.product_id}`) ?? []).map((c) => ({
        priceCents: c.price_cents,
        validFrom: c.valid_from,
        validTo: c.valid_to,
      })),
      quantityBreaks: (breaks.get(line.product_id!) ?? []).map((b) => ({
        minQuantity: b.min_quantity,
        priceCents: b.price_cents,
      })),
      quantity: line.quantity,
      at: order.placed_at,
    });
    return priced.unitPriceCents !== line.unit_price_cents || priced.rule !== line.pricing_rule;
  });
  expect(broken).toEqual([]);
});

test("orders ship to one of their customer's ship-to addresses, copied onto the order", () => {
  const addresses = byId(d.customers.addresses);
  const broken = d.orders.orders.filter((o) => {
    const a = addresses.get(o.ship_to_address_id);
    return (
      !a ||
      a.kind !== 'SHIP_TO' ||
      a.customer_id !== o.customer_id ||
      [a.name, a.line1, a.city, a.region, a.postal_code, a.country].join('|') !==
        [
          o.ship_to_name,
          o.ship_to_line1,
          o.ship_to_city,
          o.ship_to_region,
          o.ship_to_postal_code,
          o.ship_to_country,
        ].join('|')
    );
  });
  expect(broken).toEqual([]);
});

test('customer status shapes their orders: inactive ones only have old finished orders, held ones no open accepted orders', () => {
  const customers = byId(d.customers.customers);
  const broken = d.orders.orders.filter((o) => {
    const customer = customers.get(o.customer_id)!;
    if (o.placed_at < customer.created_at || o.updated_at < o.placed_at) return true;
    if (customer.status === 'INACTIVE') return !['CLOSED', 'CANCELLED'].includes(o.status);
    if (customer.status === 'ON_HOLD')
      return ['ACCEPTED', 'ALLOCATED', 'BACKORDERED'].includes(o.status);
    return false;
  });
  expect(broken).toEqual([]);
});

test('orders on hold have exactly one active hold; other holds were released after they were placed', () => {
  const holds = groupBy(d.orders.holds, (h) => h.order_id);
  const broken = d.orders.orders.filter((o) => {
    const own = holds.get(o.id) ?? [];
    const active = own.filter((h) => h.released_at === null);
    if (o.status === 'ON_HOLD') return active.length !== 1 || !active[0].detail;
    return active.length > 0 || own.some((h) => !h.released_by || h.released_at! <= h.placed_at);
  });
  expect(broken).toEqual([]);
  expect(d.orders.holds.some((h) => h.released_at !== null)).toBe(true);
});

test('allocations follow the order status, one per line from one warehouse', () => {
  const lines = groupBy(d.orders.order_lines, (l) => l.order_id);
  const allocations = groupBy(d.inventory.allocations, (a) => a.order_id);
  const expected: Record<string, string | null> = {
    ON_HOLD: null,
    ACCEPTED: null,
    ALLOCATED: 'ALLOCATED',
    BACKORDERED: 'BACKORDERED',
    SHIPPED: 'SHIPPED',
    INVOICED: 'SHIPPED',
    PAID: 'SHIPPED',
    CLOSED: 'SHIPPED',
    CANCELLED: 'RELEASED',
  };
  const broken = d.orders.orders.filter((o) => {
    const own = allocations.get(o.id) ?? [];
    if (!own.length) return expected[o.status] !== null && o.status !== 'CANCELLED';
    const ordered = lines.get(o.id)!;
    return (
      own.some((a) => a.status !== expected[o.status]) ||
      new Set(own.map((a) => a.warehouse_id)).size !== 1 ||
      own.length !== ordered.length ||
      own.some(
        (a, i) =>
          a.line_number !== ordered[i].line_number ||
          a.product_id !== ordered[i].product_id ||
          a.quantity !== ordered[i].quantity,
      )
    );
  });
  expect(broken).toEqual([]);
  expect(d.inventory.allocations.some((a) => a.status === 'RELEASED')).toBe(true);
});

test('stock: one level per product and warehouse; allocated is the sum of ALLOCATED allocations and on hand covers it', () => {
  expect(d.inventory.stock_levels).toHaveLength(
    d.catalog.products.length * d.inventory.warehouses.length,
  );
  const reserved = new Map<string, number>();
  for (const a of d.inventory.allocations) {
    if (a.status === 'ALLOCATED')
      reserved.set(
        `${a.product_id}|${a.warehouse_id}`,
        (reserved.get(`${a.product_id}|${a.warehouse_id}`) ?? 0) + a.quantity,
      );
  }
  const broken = d.inventory.stock_levels.filter(
    (s) =>
      s.allocated !== (reserved.get(`${s.product_id}|${s.warehouse_id}`) ?? 0) ||
      s.on_hand < s.allocated ||
      s.reorder_point < 0,
  );
  expect(broken).toEqual([]);
  expect(d.inventory.stock_levels.some((s) => s.on_hand === 0)).toBe(true);
  expect(d.inventory.stock_levels.some((s) => s.allocated > 0)).toBe(true);
});

test('shipped orders have shipments carrying every ordered unit, from the allocating warehouse', () => {
  const shipments = groupBy(d.shipments.shipments, (s) => s.order_id);
  const shipmentLines = groupBy(d.shipments.shipment_lines, (l) => l.shipment_id);
  const lines = groupBy(d.orders.order_lines, (l) => l.order_id);
  const allocations = groupBy(d.inventory.allocations, (a) => a.order_id);
  const broken = d.orders.orders.filter((o) => {
    const own = shipments.get(o.id) ?? [];
    if (o.status === 'ALLOCATED')
      return own.some(
        (s) =>
          !['PLANNED', 'PICKED', 'PACKED'].includes(s.status) ||
          s.tracking_number !== null ||
          s.shipped_at !== null,
      );
    if (!SHIPPED_OR_LATER.includes(o.status)) return own.length > 0;
    const shippedQuantity = new Map<number, number>();
    for (const s of own)
      for (const l of shipmentLines.get(s.id) ?? [])
        shippedQuantity.set(
          l.order_line_number,
          (shippedQuantity.get(l.order_line_number) ?? 0) + l.quantity,
        );
    return (
      own.length < 1 ||
      own.some(
        (s) => !['SHIPPED', 'DELIVERED'].includes(s.status) || !s.tracking_number || !s.shipped_at,
      ) ||
      (o.status === 'CLOSED' && own.some((s) => s.status !== 'DELIVERED')) ||
      own.some((s) => s.warehouse_id !== allocations.get(o.id)![0].warehouse_id) ||
      lines.get(o.id)!.some((l) => shippedQuantity.get(l.line_number) !== l.quantity) ||
      shippedQuantity.size !== lines.get(o.id)!.length
    );
  });
  expect(broken).toEqual([]);
  expect([...shipments.values()].some((own) => own.length === 2)).toBe(true);
});

test('milestones run in lifecycle order with increasing times and agree with the shipment', () => {
  const order = ['PLANNED', 'PICKED', 'PACKED', 'SHIPPED', 'IN_TRANSIT', 'DELIVERED'];
  const milestones = groupBy(d.shipments.milestones, (m) => m.shipment_id);
  const broken = d.shipments.shipments.filter((s) => {
    const own = milestones.get(s.id) ?? [];
    const last = own[own.length - 1]?.code;
    const at = (code: string) => own.find((m) => m.code === code)?.at ?? null;
    return (
      own.some((m, i) => m.code !== order[i] || (i > 0 && m.at <= own[i - 1].at)) ||
      (last === 'IN_TRANSIT' ? 'SHIPPED' : last) !== s.status ||
      at('PLANNED') !== s.planned_at ||
      at('SHIPPED') !== s.shipped_at ||
      at('DELIVERED') !== s.delivered_at
    );
  });
  expect(broken).toEqual([]);
});

test('one invoice per shipment of invoiced, paid and closed orders, none for orders not yet invoiced', () => {
  const orders = byId(d.orders.orders);
  const invoiced = new Set(d.finance.invoices.map((i) => i.shipment_id));
  const broken = d.shipments.shipments.filter((s) => {
    const status = orders.get(s.order_id)!.status;
    return invoiced.has(s.id) !== ['INVOICED', 'PAID', 'CLOSED'].includes(status);
  });
  expect(broken).toEqual([]);
});

test('invoice totals are the shipped lines at the order line unit price, plus the ship-to tax', () => {
  const orders = byId(d.orders.orders);
  const customers = byId(d.customers.customers);
  const shipments = byId(d.shipments.shipments);
  const rates = new Map(d.finance.tax_rates.map((t) => [t.region, t.rate_bps]));
  const orderLines = new Map(
    d.orders.order_lines.map((l) => [`${l.order_id}|${l.line_number}`, l]),
  );
  const shipmentLines = groupBy(d.shipments.shipment_lines, (l) => l.shipment_id);
  const invoiceLines = groupBy(d.finance.invoice_lines, (l) => l.invoice_id);
  const broken = d.finance.invoices.filter((invoice) => {
    const order = orders.get(invoice.order_id)!;
    const shipment = shipments.get(invoice.shipment_id)!;
    const shipped = shipmentLines.get(shipment.id)!;
    const lines = invoiceLines.get(invoice.id) ?? [];
    const expectedSubtotal = sum(
      shipped.map(
        (l) => l.quantity * orderLines.get(`${order.id}|${l.order_line_number}`)!.unit_price_cents,
      ),
    );
    const terms = TERMS_DAYS[customers.get(invoice.customer_id)!.payment_terms];
    return (
      lines.length !== shipped.length ||
      lines.some((l, i) => {
        const ordered = orderLines.get(`${order.id}|${l.order_line_number}`)!;
        return (
          l.line_number !== i + 1 ||
          l.order_line_number !== shipped[i].order_line_number ||
          l.quantity !== shipped[i].quantity ||
          l.unit_price_cents !== ordered.unit_price_cents ||
          l.extended_cents !== l.unit_price_cents * l.quantity
        );
      }) ||
      invoice.subtotal_cents !== expectedSubtotal ||
      invoice.subtotal_cents !== sum(lines.map((l) => l.extended_cents)) ||
      invoice.tax_region !== order.ship_to_region ||
      invoice.tax_rate_bps !== rates.get(order.ship_to_region) ||
      invoice.tax_cents !== applyBasisPoints(invoice.subtotal_cents, invoice.tax_rate_bps) ||
      invoice.total_cents !== invoice.subtotal_cents + invoice.tax_cents ||
      invoice.issued_at <= shipment.shipped_at! ||
      Date.parse(invoice.due_at) - Date.parse(invoice.issued_at) !== terms * DAY_MS
    );
  });
  expect(broken).toEqual([]);
});

test('payments never exceed balances: applications stay within invoice totals and payment amounts', () => {
  const invoices = byId(d.finance.invoices);
  const payments = byId(d.finance.payments);
  const perInvoice = groupBy(d.finance.payment_applications, (a) => a.invoice_id);
  const perPayment = groupBy(d.finance.payment_applications, (a) => a.payment_id);
  const overApplied = [...perInvoice].filter(
    ([id, apps]) => sum(apps.map((a) => a.amount_cents)) > invoices.get(id)!.total_cents,
  );
  const overSpent = [...perPayment].filter(
    ([id, apps]) => sum(apps.map((a) => a.amount_cents)) > payments.get(id)!.amount_cents,
  );
  const untimely = d.finance.payment_applications.filter(
    (a) =>
      a.amount_cents <= 0 ||
      a.applied_at < payments.get(a.payment_id)!.received_at ||
      a.applied_at < invoices.get(a.invoice_id)!.issued_at,
  );
  expect(overApplied).toEqual([]);
  expect(overSpent).toEqual([]);
  expect(untimely).toEqual([]);
  // some cash is unapplied, and some payments settle several invoices at once
  expect(
    d.finance.payments.some(
      (p) => sum((perPayment.get(p.id) ?? []).map((a) => a.amount_cents)) < p.amount_cents,
    ),
  ).toBe(true);
  expect([...perPayment.values()].some((apps) => apps.length > 1)).toBe(true);
});

test('invoice status agrees with its applications and with its order', () => {
  const orders = byId(d.orders.orders);
  const applied = new Map<string, number>();
  for (const a of d.finance.payment_applications)
    applied.set(a.invoice_id, (applied.get(a.invoice_id) ?? 0) + a.amount_cents);
  const broken = d.finance.invoices.filter((invoice) => {
    const paid = applied.get(invoice.id) ?? 0;
    const orderStatus = orders.get(invoice.order_id)!.status;
    return (
      (invoice.status === 'PAID') !== (paid === invoice.total_cents) ||
      (invoice.status === 'PARTIALLY_PAID') !== (paid > 0 && paid < invoice.total_cents) ||
      (['OPEN', 'DISPUTED'].includes(invoice.status) && paid !== 0) ||
      (invoice.status === 'PAID') !== ['PAID', 'CLOSED'].includes(orderStatus)
    );
  });
  expect(broken).toEqual([]);
});

test('open orders: one row per accepted, allocated, backordered or shipped order, for its total', () => {
  const expected = d.orders.orders
    .filter((o) => ['ACCEPTED', 'ALLOCATED', 'BACKORDERED', 'SHIPPED'].includes(o.status))
    .map((o) => ({
      order_id: o.id,
      customer_id: o.customer_id,
      uninvoiced_cents: o.total_cents,
      currency: o.currency,
    }));
  expect(d.finance.open_orders).toEqual(expected);
});
