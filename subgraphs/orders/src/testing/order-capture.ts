import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import {
  createSubgraphServer,
  DependencyUnavailableError,
  withRowSecurity,
  type CallerIdentity,
  type DomainEvent,
  type EventHandler,
  type RunningSubgraph,
  type ServiceClient,
} from '@switchyard/kit';
import type { OrdersDB } from '../migrations';
import type { OrderStore } from '../store';

/** Stand-ins for the four subgraphs placeOrder asks, and builders for the order-capture and order-progress tests. */

export interface FakeProduct {
  id: string;
  status: 'ACTIVE' | 'DISCONTINUED';
  unitCents: number | null;
  rule: string;
  available: number;
}

export interface FakeAddress {
  id: string;
  name: string;
  line1: string;
  city: string;
  region: string;
  postalCode: string;
  country: string;
}

export interface FakeCustomer {
  id: string;
  status: 'ACTIVE' | 'ON_HOLD' | 'INACTIVE';
  currency: string;
  creditLimitCents: number;
  exposureCents: number;
  shipTo: FakeAddress | null;
  addresses: FakeAddress[];
}

const money = (cents: number, currency = 'USD') => ({
  amount: `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`,
  currency,
});

/**
 * customers, catalog, finance and inventory as placeOrder's queries see them, answering from small
 * tables. A subgraph named in `down` throws DependencyUnavailableError (`reason`); every call is recorded.
 */
export class FakeDependencies implements ServiceClient {
  customers = new Map<string, FakeCustomer>();
  products = new Map<string, FakeProduct>();
  taxRates = new Map<string, number>();
  down = new Map<string, 'unreachable' | 'timeout'>();
  calls: { subgraph: string; operation: string; correlationId?: string }[] = [];
  /** ACTIVE reservations by owner and reservation id: credit in cents, stock in units per SKU. */
  credit = new Map<string, { customerId: string; cents: number }>();
  stock = new Map<string, { sku: string; quantity: number }[]>();

  async query<Data>(
    subgraph: string,
    query: string,
    variables: Record<string, any> = {},
    options: { correlationId?: string } = {},
  ): Promise<Data> {
    const operation = /(?:query|mutation) (\w+)/.exec(query)?.[1] ?? 'anonymous';
    this.calls.push({ subgraph, operation, correlationId: options.correlationId });
    const failure = this.down.get(subgraph);
    if (failure)
      throw new DependencyUnavailableError(
        subgraph,
        failure,
        failure === 'timeout' ? 'no answer within 2000 ms' : 'connect ECONNREFUSED',
      );
    return this.answer(operation, variables) as Data;
  }

  answer(operation: string, variables: Record<string, any>): unknown {
    switch (operation) {
      case 'OrderCaptureCustomer': {
        const c = this.customers.get(variables.id);
        return {
          customer: c
            ? {
                id: c.id,
                status: c.status,
                currency: c.currency,
                creditLimit: money(c.creditLimitCents, c.currency),
                shipTo: c.shipTo,
                addresses: c.addresses,
              }
            : null,
        };
      }
      case 'OrderCapturePrices':
        return {
          priceQuote: variables.lines.map((line: { sku: string; quantity: number }) => {
            const p = this.products.get(line.sku);
            const priced = p && p.unitCents !== null;
            return {
              sku: line.sku,
              product: p ? { id: p.id, sku: line.sku, status: p.status } : null,
              unitPrice: priced ? money(p!.unitCents!) : null,
              extendedPrice: priced ? money(p!.unitCents! * line.quantity) : null,
              rule: priced ? p!.rule : null,
            };
          }),
        };
      case 'OrderCaptureReserveCredit': {
        const input = variables.input;
        const exposureCents = this.exposureOf(input.customerId, input.reservationId);
        const cents = centsOf(input.amount);
        const held = this.credit.has(input.reservationId);
        const reserved = held || exposureCents + cents <= centsOf(input.creditLimit);
        if (reserved && !input.checkOnly)
          this.credit.set(input.reservationId, { customerId: input.customerId, cents });
        return { reserveCredit: { reserved, exposure: money(exposureCents) } };
      }
      case 'OrderCaptureReserveStock': {
        const input = variables.input;
        if (this.stock.has(input.reservationId))
          return { reserveStock: { reserved: true, shortLines: [] } };
        const shortLines = input.lines.flatMap(
          (l: { sku: string; quantity: number; lineNumber: number }) => {
            const available = this.availableOf(l.sku);
            return available >= l.quantity
              ? []
              : [
                  {
                    lineNumber: l.lineNumber,
                    sku: l.sku,
                    requested: l.quantity,
                    availableInOneWarehouse: available,
                    availableInAll: available,
                  },
                ];
          },
        );
        const reserved = shortLines.length === 0;
        if (reserved && !input.checkOnly) this.stock.set(input.reservationId, input.lines);
        return { reserveStock: { reserved, shortLines } };
      }
      case 'OrderCaptureReleaseCredit':
        return { releaseCreditReservation: this.credit.delete(variables.id) };
      case 'OrderCaptureReleaseStock':
        return { releaseStockReservation: this.stock.delete(variables.id) };
      case 'OrderCaptureTaxRate': {
        const rate = this.taxRates.get(variables.region);
        return { taxRate: rate === undefined ? null : { rateBasisPoints: rate } };
      }
      default:
        throw new Error(`the fake dependencies do not answer ${operation}`);
    }
  }

  /** The customer's exposure with its ACTIVE credit reservations, besides `reservationId`'s. */
  exposureOf(customerId: string, reservationId?: string): number {
    let cents = this.customers.get(customerId)?.exposureCents ?? 0;
    for (const [id, r] of this.credit)
      if (id !== reservationId && r.customerId === customerId) cents += r.cents;
    return cents;
  }

  /** Units of the SKU available less those ACTIVE stock reservations hold. */
  availableOf(sku: string): number {
    let units = this.products.get(sku)?.available ?? 0;
    for (const lines of this.stock.values())
      for (const l of lines) if (l.sku === sku) units -= l.quantity;
    return units;
  }
}

const centsOf = (amount: string) => Math.round(Number(amount) * 100);

/** A world of two customers and three products: CUS-0001 in Texas (8.25 %), CUS-0002 in Oregon (no rate set). */
export function standardDependencies(): FakeDependencies {
  const deps = new FakeDependencies();
  const dallas: FakeAddress = {
    id: 'ADR-0001',
    name: 'Acme Receiving',
    line1: '9 Dock Rd',
    city: 'Dallas',
    region: 'TX',
    postalCode: '75201',
    country: 'US',
  };
  const austin: FakeAddress = {
    id: 'ADR-0002',
    name: 'Acme Austin',
    line1: '1 Congress Ave',
    city: 'Austin',
    region: 'TX',
    postalCode: '78701',
    country: 'US',
  };
  const portland: FakeAddress = {
    id: 'ADR-0003',
    name: 'Beta Dock',
    line1: '5 River St',
    city: 'Portland',
    region: 'OR',
    postalCode: '97201',
    country: 'US',
  };
  deps.customers.set('CUS-0001', {
    id: 'CUS-0001',
    status: 'ACTIVE',
    currency: 'USD',
    creditLimitCents: 1_000_000,
    exposureCents: 200_000,
    shipTo: dallas,
    addresses: [dallas, austin],
  });
  deps.customers.set('CUS-0002', {
    id: 'CUS-0002',
    status: 'ACTIVE',
    currency: 'USD',
    creditLimitCents: 500_000,
    exposureCents: 0,
    shipTo: portland,
    addresses: [portland],
  });
  deps.products.set('WID-100', {
    id: 'PRD-00100',
    status: 'ACTIVE',
    unitCents: 1250,
    rule: 'CONTRACT',
    available: 500,
  });
  deps.products.set('GAD-200', {
    id: 'PRD-00200',
    status: 'ACTIVE',
    unitCents: 9999,
    rule: 'LIST',
    available: 8,
  });
  deps.products.set('OLD-300', {
    id: 'PRD-00300',
    status: 'DISCONTINUED',
    unitCents: 500,
    rule: 'LIST',
    available: 100,
  });
  deps.taxRates.set('TX', 825);
  return deps;
}

/**
 * A second server over the subgraph's store whose requests call `services` instead of real subgraphs
 * (same schema, row rules and event runtime as openSubgraph's): the commands run exactly as served.
 */
export function serverWith(
  subgraph: RunningSubgraph<OrdersDB, OrderStore>,
  services: ServiceClient,
): Promise<FastifyInstance> {
  const { definition } = subgraph;
  return createSubgraphServer({
    name: definition.name,
    schema: withRowSecurity(definition.schema, definition.rowRules!),
    store: subgraph.store,
    runtime: { services, events: subgraph.events },
  });
}

/**
 * The fake dependencies over HTTP, one path per subgraph (`/<subgraph>/graphql`), each answering after
 * `delays[subgraph]` ms: for the real service client's timeouts.
 */
export async function dependencyStub(
  deps: FakeDependencies,
  delays: Record<string, number> = {},
): Promise<{ urls: Map<string, string>; close(): Promise<void> }> {
  const app = Fastify();
  app.post('/:subgraph/graphql', async (request) => {
    const { subgraph } = request.params as { subgraph: string };
    const { query, variables } = request.body as {
      query: string;
      variables: Record<string, unknown>;
    };
    // unref: a caller that gave up does not keep the test process waiting for the late answer.
    if (delays[subgraph])
      await new Promise((resolve) => setTimeout(resolve, delays[subgraph]).unref());
    return { data: await deps.query(subgraph, query, variables) };
  });
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  const urls = new Map(
    ['customers', 'catalog', 'finance', 'inventory'].map((name) => [
      name,
      `${address}/${name}/graphql`,
    ]),
  );
  return { urls, close: () => app.close() };
}

export const identity = (
  id: string,
  kind: CallerIdentity['kind'],
  scopes: string[],
  customerIds: string[] | null = null,
): Omit<CallerIdentity, 'exp'> => ({
  id,
  kind,
  scopes,
  tenant: customerIds ? { customerIds, carrierIds: [] } : null,
});
export const SALES_DESK = identity('dev-sales-portal', 'internal', ['orders:write']);
export const CREDIT_CONTROL = identity('dev-finance-ops', 'internal', [
  'orders:release-hold',
  'orders:write',
]);

export function domainEvent<P>(
  type: string,
  aggregateId: string,
  payload: P,
  occurredAt = new Date().toISOString(),
): DomainEvent<P> {
  return {
    id: randomUUID(),
    type,
    source: 'test',
    aggregateId,
    payload,
    correlationId: `corr-${randomUUID()}`,
    occurredAt,
  };
}

/** Runs a handler as the kit's consumer would. */
export function deliver(
  subgraph: RunningSubgraph<OrdersDB, OrderStore>,
  handler: EventHandler<OrderStore>,
  event: DomainEvent,
) {
  return handler.handle(event, {
    store: subgraph.store,
    db: subgraph.database.db,
    services: subgraph.services,
    handler: handler.name,
  });
}
