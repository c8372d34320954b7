/**
 * No guarded figure through free text (issue 13, item 3). The kit's classification of guarded values
 * (VALUE_CLASSES) matches the scopes the subgraphs' SDL puts on those fields; and for each development
 * consumer, as `npm start` serves them, no string of any answer (data or error message) carries a value
 * of a class whose scope it lacks: credit limits and exposure, receivables amounts, cost prices, contacts.
 * The guarded values come from the databases (exposure, balances and reserved credit, which are computed,
 * from the graph as the platform admin); figures anyone may see (order and catalog prices, tax rates) are
 * not secrets and are left out.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Kind, parse, type ConstDirectiveNode } from 'graphql';
import { createMemoryStore } from '@switchyard/gateway';
import { VALUE_CLASSES, type ValueClass } from '@switchyard/kit';
import { loadGovernanceConfig } from '../gateway/src/governance/governance-config';
import { operationId } from '../gateway/src/governance/persisted-operations/operation-manifest';
import { governedBy, governedGateway, type GovernedGateway } from './testing/gateway-replicas';
import { startGraph, type GraphResponse, type RunningGraph } from './testing/graph-harness';
import { as } from './testing/consumers';

const ROOT = path.resolve(__dirname, '..');
const SUBGRAPHS = ['customers', 'catalog', 'inventory', 'orders', 'shipments', 'finance'];
const ADMIN = 'dev-platform-admin';

describe('the classification of guarded values', () => {
  /** `Type` or `Type.field` -> the scopes its @requiresScopes names, over every subgraph's SDL. */
  function guardedCoordinates(): Map<string, string[]> {
    const guarded = new Map<string, string[]>();
    const scopesOf = (directives: readonly ConstDirectiveNode[] | undefined) =>
      (directives ?? [])
        .filter((d) => d.name.value === 'requiresScopes')
        .flatMap((d) => d.arguments ?? [])
        .flatMap((a) => JSON.stringify(a.value).match(/"value":"[^"]+:[^"]+"/g) ?? [])
        .map((m) => m.slice('"value":"'.length, -1));
    for (const name of SUBGRAPHS) {
      const sdl = fs.readFileSync(path.join(ROOT, 'subgraphs', name, 'schema.graphql'), 'utf8');
      for (const def of parse(sdl).definitions) {
        if (def.kind !== Kind.OBJECT_TYPE_DEFINITION && def.kind !== Kind.OBJECT_TYPE_EXTENSION)
          continue;
        const typeScopes = scopesOf(def.directives);
        if (typeScopes.length) guarded.set(def.name.value, typeScopes);
        for (const field of def.fields ?? []) {
          const scopes = scopesOf(field.directives);
          if (scopes.length) guarded.set(`${def.name.value}.${field.name.value}`, scopes);
        }
      }
    }
    return guarded;
  }

  test("each class's fields carry its scope in the SDL, and every field behind one of those scopes is classified", () => {
    const guarded = guardedCoordinates();
    for (const [name, valueClass] of Object.entries(VALUE_CLASSES))
      for (const coordinate of valueClass.fields)
        expect([name, coordinate, guarded.get(coordinate)]).toEqual([
          name,
          coordinate,
          [valueClass.scope],
        ]);
    const classified = new Set<string>(Object.values(VALUE_CLASSES).flatMap((c) => [...c.fields]));
    const scopes = new Set<string>(Object.values(VALUE_CLASSES).map((c) => c.scope));
    const unclassified = [...guarded]
      .filter(
        ([coordinate, s]) => s.some((scope) => scopes.has(scope)) && !classified.has(coordinate),
      )
      .map(([coordinate]) => coordinate);
    expect(unclassified).toEqual([]);
  });
});

describe('no guarded value in any string of any answer, for each development consumer', () => {
  const config = loadGovernanceConfig(path.join(ROOT, 'gateway', 'governance.dev.yaml'));
  let graph: RunningGraph;
  let gateway: GovernedGateway;
  /** Guarded values by class: figures in cents, contacts as strings. */
  const figures = new Map<ValueClass, Set<number>>();
  const contacts = new Set<string>();

  const db = (name: string) => graph.subgraphs[name].database.db;
  const centsColumns = async (subgraph: string, table: string, columns: string[]) =>
    (await db(subgraph).selectFrom(table).select(columns).execute()).flatMap((row: any) =>
      columns
        .map((c) => row[c])
        .filter((v: unknown) => v !== null)
        .map(Number),
    );
  const centsOf = (amount: string | undefined) =>
    amount === undefined ? [] : [Math.round(Number(amount) * 100)];

  /** Every page of a connection, as the admin (credit:read, finance:read) sees it. */
  async function allNodes(field: string, selection: string): Promise<any[]> {
    const nodes: any[] = [];
    let after: string | null = null;
    do {
      const answer: GraphResponse = await gateway.post(
        {
          query: `query Page($after: String) { ${field}(first: 100, after: $after) { pageInfo { hasNextPage endCursor } edges { node { ${selection} } } } }`,
          variables: { after },
        },
        as(ADMIN),
      );
      expect(answer.body.errors).toBeUndefined();
      const page = answer.body.data[field];
      nodes.push(...page.edges.map((e: any) => e.node));
      after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
    } while (after);
    return nodes;
  }

  beforeAll(async () => {
    const governed = governedBy(config, createMemoryStore());
    graph = await startGraph({ seedScale: 0.05, governance: governed.factory });
    gateway = governedGateway(
      graph.gatewayUrl.replace(/\/graphql$/, ''),
      governed.built.governance!,
    );
    // Partners run registered operations only: each one the partner contract admits is registered (the others are refused, and run unregistered).
    for (const consumer of config.consumers.filter(
      (c) => c.persistedOperations === 'persisted-only',
    ))
      for (const [name, body] of Object.entries(OPERATIONS)) {
        const type = body.startsWith('mutation') ? 'mutation' : 'query';
        const operations = [{ id: operationId(body), name, type, body }];
        const registered = await gateway.admin(
          'POST',
          `/consumers/${consumer.id}/operations`,
          ADMIN,
          {
            format: 'apollo-persisted-query-manifest',
            version: 1,
            operations,
          },
        );
        expect([200, 422]).toContain(registered.status);
      }
  }, 120_000);
  afterAll(() => graph?.close());

  /** The guarded values, read once the sample's commands ran (their orders add exposure). */
  async function collectGuardedValues() {
    const customers = await allNodes(
      'customers',
      'id creditLimit { amount } creditExposure { amount } reservedCredit { amount } openBalance { amount }',
    );
    const credit = new Set<number>(
      await centsColumns('customers', 'customers', ['credit_limit_cents']),
    );
    for (const c of customers) {
      for (const field of ['creditExposure', 'reservedCredit'])
        for (const v of centsOf(c[field]?.amount)) credit.add(v);
      // What the limit leaves: the "available credit" a hold's sentence would name.
      const [limit] = centsOf(c.creditLimit?.amount);
      const [exposure] = centsOf(c.creditExposure?.amount);
      if (limit !== undefined && exposure !== undefined) credit.add(Math.max(0, limit - exposure));
    }
    const finance = new Set<number>([
      ...(await centsColumns('finance', 'invoices', [
        'subtotal_cents',
        'tax_cents',
        'total_cents',
      ])),
      ...(await centsColumns('finance', 'invoice_lines', ['unit_price_cents', 'extended_cents'])),
      ...(await centsColumns('finance', 'payments', ['amount_cents'])),
      ...(await centsColumns('finance', 'payment_applications', ['amount_cents'])),
      ...(await centsColumns('finance', 'credit_memos', ['amount_cents'])),
      ...customers.flatMap((c) => centsOf(c.openBalance?.amount)),
      ...(
        await allNodes(
          'invoices',
          'amountPaid { amount } amountCredited { amount } balance { amount }',
        )
      ).flatMap((i) =>
        [i.amountPaid, i.amountCredited, i.balance].flatMap((m) => centsOf(m?.amount)),
      ),
      ...(
        await allNodes('payments', 'appliedAmount { amount } unappliedAmount { amount }')
      ).flatMap((p) => [p.appliedAmount, p.unappliedAmount].flatMap((m) => centsOf(m?.amount))),
    ]);
    const cost = new Set(await centsColumns('catalog', 'products', ['cost_price_cents']));
    // Figures anyone who reads an order or the catalog sees are not secrets, whichever guarded value they equal.
    const open = new Set<number>([
      ...(await centsColumns('orders', 'orders', ['subtotal_cents', 'tax_cents', 'total_cents'])),
      ...(await centsColumns('orders', 'order_lines', [
        'unit_price_cents',
        'extended_cents',
        'expected_unit_price_cents',
      ])),
      ...(await centsColumns('catalog', 'products', ['list_price_cents'])),
      ...(await centsColumns('catalog', 'price_list_items', ['price_cents'])),
      ...(await centsColumns('catalog', 'contract_prices', ['price_cents'])),
      ...(await centsColumns('catalog', 'quantity_breaks', ['price_cents'])),
      // Tax rates print as percentages with two decimals ("8.25").
      ...(await centsColumns('finance', 'tax_rates', ['rate_bps'])),
      ...(await centsColumns('finance', 'invoices', ['tax_rate_bps'])),
      0,
    ]);
    for (const [name, values] of [
      ['credit', credit],
      ['financeAmount', finance],
      ['costPrice', cost],
    ] as const)
      figures.set(name, new Set([...values].filter((v) => !open.has(v))));
    const rows = await db('customers')
      .selectFrom('contacts')
      .select(['name', 'email', 'phone'])
      .execute();
    for (const row of rows as { name: string; email: string; phone: string }[])
      for (const value of [row.name, row.email, row.phone]) contacts.add(value);
  }

  /** Money-like figures in a text: with a decimal point or a dollar sign, thousands separators allowed. */
  const FIGURE = /(?<![\w.,:])(\$?)(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{1,2}))?(?!\d|\.\d)/g;
  function leaks(text: string, classes: ValueClass[]): string[] {
    const found: string[] = [];
    for (const match of text.matchAll(FIGURE)) {
      const [whole, dollar, units, decimals] = match;
      if (!dollar && decimals === undefined) continue;
      const cents = Number(units.replace(/,/g, '')) * 100 + Number((decimals ?? '').padEnd(2, '0'));
      for (const c of classes) if (figures.get(c)?.has(cents)) found.push(`${c} ${whole}`);
    }
    if (classes.includes('contact'))
      for (const value of contacts) if (text.includes(value)) found.push(`contact ${value}`);
    return found;
  }

  /** Every string of an answer: data leaves, error messages and string extensions, with where it was. */
  function strings(value: unknown, at: string, out: [string, string][] = []): [string, string][] {
    if (typeof value === 'string') out.push([at, value]);
    else if (Array.isArray(value)) value.forEach((v, i) => strings(v, `${at}.${i}`, out));
    else if (value && typeof value === 'object')
      for (const [k, v] of Object.entries(value)) strings(v, `${at}.${k}`, out);
    return out;
  }

  test('a large sample of reads, placements held for credit and failing commands', async () => {
    const sample = await sampleArguments();
    const answers = new Map<string, { operation: string; body: GraphResponse['body'] }[]>();
    for (const consumer of config.consumers) {
      const persisted = consumer.persistedOperations === 'persisted-only';
      const run = async (
        operation: keyof typeof OPERATIONS,
        variables: Record<string, unknown>,
      ) => {
        const body = OPERATIONS[operation];
        const request = persisted
          ? { documentId: `sha256:${operationId(body)}`, variables }
          : { query: body, variables };
        const answer = await gateway.post(request, as(consumer.id));
        expect(answer.status).toBeLessThan(500);
        answers.set(consumer.id, [
          ...(answers.get(consumer.id) ?? []),
          { operation, body: answer.body },
        ]);
      };
      // Commands first: the orders they hold show up in the reads.
      for (const [i, input] of sample.placements(consumer.id).entries())
        await run('PlaceOrder', { input, key: `classified-${consumer.id}-${i}` });
      await run('ApplyTooMuchCash', sample.cash);
      await run('CreditTooMuch', sample.dispute);
      await run('ReleaseAcceptedOrder', sample.accepted);
      for (const statuses of [
        ['ON_HOLD'],
        ['ACCEPTED', 'ALLOCATED', 'SHIPPED', 'CANCELLED'],
        ['INVOICED', 'PAID', 'CLOSED', 'BACKORDERED'],
      ])
        await run('Orders', { statuses });
      await run('Customers', {});
      await run('Products', {});
      await run('Invoices', {});
      await run('Payments', {});
      await run('Shipments', {});
    }
    await collectGuardedValues();

    // The sample reaches what it is meant to: credit holds, for consumers without credit:read too.
    const creditHolds = (consumer: string) =>
      (answers.get(consumer) ?? [])
        .flatMap(({ body }) => strings(body, ''))
        .filter(([at]) => /holds\.\d+\.reason$/.test(at))
        .filter(([, v]) => v === 'CREDIT').length;
    expect(creditHolds('dev-web-store')).toBeGreaterThan(0);
    expect(creditHolds('dev-warehouse-ops')).toBeGreaterThan(5);
    expect(figures.get('credit')!.size).toBeGreaterThan(10);
    expect(contacts.size).toBeGreaterThan(10);

    const found: string[] = [];
    let scanned = 0;
    for (const consumer of config.consumers) {
      const lacking = (Object.keys(VALUE_CLASSES) as ValueClass[]).filter(
        (c) => !consumer.scopes.includes(VALUE_CLASSES[c].scope),
      );
      for (const { operation, body } of answers.get(consumer.id) ?? [])
        for (const [at, text] of strings(body, operation)) {
          scanned++;
          for (const leak of leaks(text, lacking))
            found.push(`${consumer.id} ${at}: ${leak} in "${text}"`);
        }
    }
    expect(scanned).toBeGreaterThan(5000);
    expect(found).toEqual([]);
  }, 120_000);

  /** Arguments from the seed: orders that will hold for credit, a payment, a disputed invoice, an accepted order. */
  async function sampleArguments() {
    const customers = (await db('customers')
      .selectFrom('customers')
      .select(['id', 'status', 'credit_limit_cents'])
      .orderBy('credit_limit_cents')
      .execute()) as { id: string; status: string; credit_limit_cents: number }[];
    const [product] = (await db('catalog')
      .selectFrom('products')
      .select(['sku', 'list_price_cents'])
      .where('status', '=', 'ACTIVE')
      .orderBy('list_price_cents', 'desc')
      .limit(1)
      .execute()) as { sku: string; list_price_cents: number }[];
    /** An order of `customer` whose list-price total is over its whole credit limit: CREDIT, whatever its exposure. */
    const overLimit = (customer: { id: string; credit_limit_cents: number }) => ({
      customerId: customer.id,
      allowBackorder: true,
      lines: [
        {
          sku: product.sku,
          quantity: Math.ceil(
            (Number(customer.credit_limit_cents) + 1) / Number(product.list_price_cents),
          ),
        },
      ],
    });
    const active = customers.filter((c) => c.status === 'ACTIVE');
    const [payment] = (await db('finance')
      .selectFrom('payments')
      .select(['id', 'customer_id'])
      .limit(1)
      .execute()) as { id: string; customer_id: string }[];
    const [invoice] = (await db('finance')
      .selectFrom('invoices')
      .select('id')
      .where('customer_id', '=', payment.customer_id)
      .limit(1)
      .execute()) as { id: string }[];
    const [disputed] = (await db('finance')
      .selectFrom('invoices')
      .select('id')
      .where('status', '=', 'DISPUTED')
      .limit(1)
      .execute()) as { id: string }[];
    const [accepted] = (await db('orders')
      .selectFrom('orders')
      .select('id')
      .where('status', '=', 'ACCEPTED')
      .limit(1)
      .execute()) as { id: string }[];
    return {
      placements: (consumer: string) =>
        consumer === 'dev-acme-distributor'
          ? [overLimit(customers.find((c) => c.id === 'CUS-0001')!)]
          : active.slice(0, 3).map(overLimit),
      cash: {
        paymentId: payment.id,
        applications: [{ invoiceId: invoice.id, amount: '99999999.00' }],
      },
      dispute: { invoiceId: disputed.id, creditAmount: '99999999.00' },
      accepted: { orderId: accepted.id },
    };
  }
});

const HOLD = 'id reason detail placedAt releasedBy releaseNote dependency';
const OPERATIONS = {
  PlaceOrder: `mutation PlaceOrder($input: PlaceOrderInput!, $key: String!) {
    placeOrder(input: $input, idempotencyKey: $key) { accepted replayed order { number status total { amount } } holds { ${HOLD} } }
  }`,
  ApplyTooMuchCash: `mutation ApplyTooMuchCash($paymentId: ID!, $applications: [CashApplicationInput!]!) {
    applyUnappliedCash(paymentId: $paymentId, applications: $applications) { id reference }
  }`,
  CreditTooMuch: `mutation CreditTooMuch($invoiceId: ID!, $creditAmount: String) {
    resolveDispute(invoiceId: $invoiceId, outcome: CREDITED, note: "classified-text scan", creditAmount: $creditAmount) { id number }
  }`,
  ReleaseAcceptedOrder: `mutation ReleaseAcceptedOrder($orderId: ID!) { releaseHold(orderId: $orderId) { id status } }`,
  Orders: `query Orders($statuses: [OrderStatus!]) {
    orders(first: 100, statuses: $statuses) { edges { node {
      number status poNumber total { amount } customer { name accountNumber }
      holds { ${HOLD} } statusHistory { cause note } lines { sku unitPrice { amount } }
    } } }
  }`,
  Customers: `query Customers {
    customers(first: 100) { edges { node {
      id name accountNumber creditLimit { amount } creditExposure { amount } reservedCredit { amount } openBalance { amount }
      contacts { name email phone role } addresses { name line1 city }
    } } }
  }`,
  Products: `query Products { products(first: 100) { edges { node { sku name description costPrice { amount } listPrice { amount } } } } }`,
  Invoices: `query Invoices {
    invoices(first: 100) { edges { node {
      number taxRate taxRegion disputeReason total { amount } balance { amount }
      creditMemos { reason amount { amount } } disputeResolutions { note disputeReason } lines { sku unitPrice { amount } }
    } } }
  }`,
  Payments: `query Payments { payments(first: 100) { edges { node { reference amount { amount } applications { amount { amount } } } } } }`,
  Shipments: `query Shipments {
    shipments(first: 100) { edges { node { trackingNumber milestones { location note } carrier { name } order { number } customer { name } } } }
  }`,
};
