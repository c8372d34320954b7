import {
  applyBasisPoints,
  centsOfMoney,
  DependencyUnavailableError,
  formatCents,
  type ServiceClient,
} from '@switchyard/kit';
import { creditLimitExceeded, plainHold } from './hold-details';
import type { PlaceOrderRequest } from './place-order-request';
import type { HoldDraft, LineDraft, OrderTerms, PricingRule, ShipToAddress } from './store';

/**
 * placeOrder's synchronous checks, asked of the subgraphs that own the facts, in parallel where they
 * can be (tax needs the ship-to region from customers, the stock reservation the product ids from
 * catalog, the credit reservation the order's total), each call bounded by the service client's timeout:
 *
 *   customers  the customer is ACTIVE (else CUSTOMER_STATUS), its ship-to address, currency, credit limit
 *   catalog    every line priced by the pricing rules (DISCONTINUED or a price other than the client showed: PRICING)
 *   finance    the ship-to region's tax rate (none: PRICING); reserveCredit: exposure + total within the limit, else CREDIT
 *   inventory  reserveStock: every line in one warehouse (else INVENTORY, unless backorders are allowed)
 *
 * The two checks that gate acceptance reserve what they check, under `reservationId`, in their
 * owner's database, so concurrent orders never count on the same room or units. An order already
 * doubtful (held for another reason, or a dependency down) is only checked (`checkOnly`), not
 * reserved. `reserved` names the owners that may hold a reservation for it (one that timed out may
 * have made one): placeOrder gives them back when the order is not accepted.
 *
 * A subgraph that is down, slow or broken does not fail the order: its checks are skipped and a
 * DEPENDENCY_UNAVAILABLE hold names it. What the order is without it stays provisional (no ship-to
 * without customers; lines unidentified and unpriced without catalog) until releaseHold runs the checks again.
 */
export interface OrderCheckResult {
  terms: OrderTerms;
  /** In a fixed order: customer, pricing, tax, inventory, credit, then the dependencies that did not answer. */
  holds: HoldDraft[];
  /** What makes the request wrong rather than the order doubtful (an unknown customer, SKU or ship-to), with the field. */
  problems: { argument: string; message: string }[];
  /** The subgraphs that did not answer. */
  unavailable: string[];
  /** The owners that hold (or, after a timeout, may hold) a reservation under the id the checks were given. */
  reserved: ReservationOwner[];
}

export type ReservationOwner = 'finance' | 'inventory';

/** Used only when neither customers nor catalog answered: replaced when the checks run again. */
const PROVISIONAL_CURRENCY = 'USD';

const ADDRESS_FIELDS = 'id name line1 city region postalCode country';
const CUSTOMER_QUERY = `query OrderCaptureCustomer($id: ID!) {
  customer(id: $id) { id status currency creditLimit { amount currency } shipTo { ${ADDRESS_FIELDS} } addresses(kind: SHIP_TO) { ${ADDRESS_FIELDS} } }
}`;
const PRICE_QUERY = `query OrderCapturePrices($customerId: ID!, $lines: [PriceQuoteLineInput!]!) {
  priceQuote(customerId: $customerId, lines: $lines) { sku product { id sku status } unitPrice { amount currency } extendedPrice { amount currency } rule }
}`;
const RESERVE_CREDIT = `mutation OrderCaptureReserveCredit($input: ReserveCreditInput!) {
  reserveCredit(input: $input) { reserved exposure { amount } }
}`;
const TAX_RATE_QUERY = `query OrderCaptureTaxRate($region: String!) { taxRate(region: $region) { rateBasisPoints } }`;
const RESERVE_STOCK = `mutation OrderCaptureReserveStock($input: ReserveStockInput!) {
  reserveStock(input: $input) { reserved shortLines { lineNumber sku requested availableInOneWarehouse availableInAll } }
}`;
const RELEASE = {
  finance: `mutation OrderCaptureReleaseCredit($id: ID!) { releaseCreditReservation(reservationId: $id) }`,
  inventory: `mutation OrderCaptureReleaseStock($id: ID!) { releaseStockReservation(reservationId: $id) }`,
} as const;

interface AddressAnswer {
  id: string;
  name: string;
  line1: string;
  city: string;
  region: string;
  postalCode: string;
  country: string;
}
interface CustomerAnswer {
  id: string;
  status: string;
  currency: string;
  creditLimit: { amount: string; currency: string } | null;
  shipTo: AddressAnswer | null;
  addresses: AddressAnswer[] | null;
}
interface QuotedLineAnswer {
  sku: string;
  product: { id: string; sku: string; status: string } | null;
  unitPrice: { amount: string; currency: string } | null;
  extendedPrice: { amount: string; currency: string } | null;
  rule: PricingRule | null;
}

interface StockAnswer {
  reserved: boolean;
  shortLines: {
    lineNumber: number;
    sku: string;
    requested: number;
    availableInOneWarehouse: number;
    availableInAll: number;
  }[];
}
interface CreditAnswer {
  reserved: boolean;
  exposure: { amount: string };
}

/** A dependency's answer: its data, or why there is none (it did not answer, or it was not asked). */
type Answer<T> = { data: T } | { unavailable: DependencyUnavailableError } | { skipped: true };

const has = <T>(answer: Answer<T>): answer is { data: T } => 'data' in answer;

/** Asks once; a DependencyUnavailableError becomes an answer, anything else (a bug) propagates. */
async function ask<T>(call: () => Promise<T>): Promise<Answer<T>> {
  try {
    return { data: await call() };
  } catch (error) {
    if (error instanceof DependencyUnavailableError) return { unavailable: error };
    throw error;
  }
}

/** A well-formed answer with the wrong shape is a broken dependency too. */
function broken(subgraph: string, detail: string): DependencyUnavailableError {
  return new DependencyUnavailableError(subgraph, 'graphql-error', detail);
}

export async function checkOrder(
  services: ServiceClient,
  correlationId: string,
  request: PlaceOrderRequest,
  reservationId: string,
): Promise<OrderCheckResult> {
  const options = { correlationId };
  const customerCall = ask(
    async () =>
      (
        await services.query<{ customer: CustomerAnswer | null }>(
          'customers',
          CUSTOMER_QUERY,
          { id: request.customerId },
          options,
        )
      ).customer,
  );
  const quoteCall = ask(async () => {
    const lines = request.lines.map((l) => ({ sku: l.sku, quantity: l.quantity }));
    const data = await services.query<{ priceQuote: QuotedLineAnswer[] | null }>(
      'catalog',
      PRICE_QUERY,
      { customerId: request.customerId, lines },
      options,
    );
    if (!Array.isArray(data.priceQuote) || data.priceQuote.length !== lines.length)
      throw broken(
        'catalog',
        `priceQuote answered ${data.priceQuote?.length ?? 'no'} lines for ${lines.length}`,
      );
    return data.priceQuote;
  });
  const shipToCall = customerCall.then((answer) =>
    has(answer) && answer.data ? shipToOf(answer.data, request) : null,
  );
  const taxCall: Promise<Answer<number | null>> = shipToCall.then((shipTo) =>
    shipTo && 'address' in shipTo
      ? ask(async () => {
          const data = await services.query<{ taxRate: { rateBasisPoints: number } | null }>(
            'finance',
            TAX_RATE_QUERY,
            { region: shipTo.address.region },
            options,
          );
          return data.taxRate?.rateBasisPoints ?? null;
        })
      : { skipped: true },
  );
  const reserved = new Set<ReservationOwner>();
  // Stock once customer and catalog answered (in parallel with tax): reserved unless the order is doubtful already.
  const stockCall: Promise<Answer<StockAnswer>> = Promise.all([
    customerCall,
    quoteCall,
    shipToCall,
  ]).then(([customer, quote, shipTo]) => {
    const soFar = assessReads(request, { customer, quote, shipTo, tax: { skipped: true } });
    const lines = soFar.terms.lines.filter((l) => l.productId !== null);
    if (request.allowBackorder || soFar.problems.length > 0 || lines.length === 0)
      return { skipped: true };
    const checkOnly = soFar.holds.length > 0 || soFar.unavailable.size > 0;
    if (!checkOnly) reserved.add('inventory');
    return ask(async () => {
      const input = {
        reservationId,
        checkOnly,
        lines: lines.map((l) => ({
          lineNumber: l.lineNumber,
          productId: l.productId,
          sku: l.sku,
          quantity: l.quantity,
        })),
      };
      const data = await services.query<{ reserveStock: StockAnswer | null }>(
        'inventory',
        RESERVE_STOCK,
        { input },
        options,
      );
      if (!data.reserveStock) throw broken('inventory', 'reserveStock answered nothing');
      return data.reserveStock;
    });
  });
  const [customer, quote, shipTo, tax] = await Promise.all([
    customerCall,
    quoteCall,
    shipToCall,
    taxCall,
  ]);
  const reads = assessReads(request, { customer, quote, shipTo, tax });
  // Credit once the total is known (tax), in parallel with the stock reservation still running.
  const limit =
    has(customer) && customer.data?.creditLimit
      ? centsOfMoney(customer.data.creditLimit.amount)
      : null;
  let creditCall: Promise<Answer<CreditAnswer>> = Promise.resolve({ skipped: true });
  if (limit !== null && has(quote) && reads.problems.length === 0) {
    const checkOnly = reads.holds.length > 0 || reads.unavailable.size > 0;
    if (!checkOnly) reserved.add('finance');
    creditCall = ask(async () => {
      const input = {
        reservationId,
        checkOnly,
        customerId: request.customerId,
        amount: formatCents(reads.terms.totalCents),
        currency: reads.terms.currency,
        creditLimit: formatCents(limit),
      };
      const data = await services.query<{ reserveCredit: CreditAnswer | null }>(
        'finance',
        RESERVE_CREDIT,
        { input },
        options,
      );
      if (!data.reserveCredit) throw broken('finance', 'reserveCredit answered nothing');
      return data.reserveCredit;
    });
  }
  const [stock, credit] = await Promise.all([stockCall, creditCall]);
  // What was refused was not reserved; what did not answer may have been.
  if (has(stock) && !stock.data.reserved) reserved.delete('inventory');
  if (has(credit) && !credit.data.reserved) reserved.delete('finance');
  return withReservations(reads, { stock, credit, limit }, [...reserved]);
}

/**
 * Gives back what the checks reserved under `reservationId`, at every owner named, for an order that
 * is not accepted (held, refused, or its release failed). Best effort, each call bounded by the
 * timeout, and never fails the placement: an owner that does not answer, or answers with an error,
 * releases it when the order's OrderHeld reaches it, or its housekeeping does when the reservation
 * is orphaned.
 */
export async function releaseReservations(
  services: ServiceClient,
  correlationId: string,
  reservationId: string,
  owners: readonly ReservationOwner[],
): Promise<void> {
  await Promise.allSettled(
    owners.map((owner) =>
      services.query(owner, RELEASE[owner], { id: reservationId }, { correlationId }),
    ),
  );
}

type ShipToResult = { address: ShipToAddress } | { problem: { argument: string; message: string } };

function shipToOf(customer: CustomerAnswer, request: PlaceOrderRequest): ShipToResult {
  const argument = 'input.shipToAddressId';
  const chosen = request.shipToAddressId
    ? (customer.addresses ?? []).find((a) => a.id === request.shipToAddressId)
    : customer.shipTo;
  if (!chosen) {
    const message = request.shipToAddressId
      ? `${argument}: ${request.shipToAddressId} is not a ship-to address of customer ${customer.id}`
      : `customer ${customer.id} has no default ship-to address: name one in ${argument}`;
    return { problem: { argument, message } };
  }
  const { id, ...address } = chosen;
  return { address: { addressId: id, ...address } };
}

interface ReadAnswers {
  customer: Answer<CustomerAnswer | null>;
  quote: Answer<QuotedLineAnswer[]>;
  shipTo: ShipToResult | null;
  tax: Answer<number | null>;
}

interface ReadAssessment {
  terms: OrderTerms;
  /** Customer, pricing and tax holds, in that order. */
  holds: HoldDraft[];
  problems: OrderCheckResult['problems'];
  unavailable: Map<string, DependencyUnavailableError>;
}

/** Turns what was read (customer, prices, tax) into the order's terms, its holds so far and what is wrong with the request. */
function assessReads(request: PlaceOrderRequest, answers: ReadAnswers): ReadAssessment {
  const holds: HoldDraft[] = [];
  const problems: OrderCheckResult['problems'] = [];
  const customer = has(answers.customer) ? answers.customer.data : null;
  if (has(answers.customer) && !customer)
    problems.push({
      argument: 'input.customerId',
      message: `input.customerId: customer ${request.customerId} does not exist`,
    });
  if (customer && customer.status !== 'ACTIVE') {
    holds.push({
      reason: 'CUSTOMER_STATUS',
      detail: plainHold(
        'CUSTOMER_NOT_ACTIVE',
        `Customer ${customer.id} is ${customer.status}, not ACTIVE: its orders need credit control's release`,
      ),
    });
  }
  let shipTo: ShipToAddress | null = null;
  if (answers.shipTo && 'problem' in answers.shipTo) problems.push(answers.shipTo.problem);
  else if (answers.shipTo) shipTo = answers.shipTo.address;

  const quoted = has(answers.quote) ? answers.quote.data : null;
  const currency =
    customer?.currency ??
    quoted?.find((l) => l.unitPrice)?.unitPrice?.currency ??
    PROVISIONAL_CURRENCY;
  const lines: LineDraft[] = request.lines.map((asked, i) => {
    const lineNumber = i + 1;
    const unpriced: LineDraft = {
      lineNumber,
      productId: null,
      sku: asked.sku,
      quantity: asked.quantity,
      unitPriceCents: 0,
      extendedCents: 0,
      pricingRule: null,
      expectedUnitPriceCents: asked.expectedUnitPriceCents,
    };
    const line = quoted?.[i];
    if (!quoted || !line) return unpriced;
    if (!line.product) {
      problems.push({
        argument: `input.lines[${i}].sku`,
        message: `input.lines[${i}].sku: no product has SKU ${asked.sku}`,
      });
      return unpriced;
    }
    const label = `Line ${lineNumber} (SKU ${asked.sku})`;
    if (line.product.status === 'DISCONTINUED')
      holds.push({
        reason: 'PRICING',
        detail: plainHold('PRODUCT_DISCONTINUED', `${label}: the product is DISCONTINUED`),
      });
    if (!line.unitPrice) {
      holds.push({
        reason: 'PRICING',
        detail: plainHold('NO_PRICE', `${label}: the catalog has no price for it`),
      });
      return { ...unpriced, productId: line.product.id };
    }
    const unitPriceCents = centsOfMoney(line.unitPrice.amount);
    const extendedCents = line.extendedPrice
      ? centsOfMoney(line.extendedPrice.amount)
      : unitPriceCents * asked.quantity;
    if (line.unitPrice.currency !== currency) {
      holds.push({
        reason: 'PRICING',
        detail: plainHold(
          'PRICE_CURRENCY',
          `${label}: priced in ${line.unitPrice.currency}, the order is in ${currency}`,
        ),
      });
    }
    if (asked.expectedUnitPriceCents !== null && asked.expectedUnitPriceCents !== unitPriceCents) {
      holds.push({
        reason: 'PRICING',
        // Both prices are the order line's own (OrderLine.unitPrice, expectedUnitPrice): nothing guarded.
        detail: plainHold(
          'PRICE_CHANGED',
          `${label}: the client showed ${formatCents(asked.expectedUnitPriceCents)}, the price is ${formatCents(unitPriceCents)} ${line.unitPrice.currency} (${line.rule ?? 'no rule'})`,
        ),
      });
    }
    return {
      ...unpriced,
      productId: line.product.id,
      unitPriceCents,
      extendedCents,
      pricingRule: line.rule,
    };
  });
  const subtotalCents = lines.reduce((sum, l) => sum + l.extendedCents, 0);

  let taxCents = 0;
  if (has(answers.tax)) {
    if (answers.tax.data === null)
      holds.push({
        reason: 'PRICING',
        detail: plainHold(
          'NO_TAX_RATE',
          `No sales tax rate for region ${shipTo!.region}: finance must set one (setTaxRate)`,
        ),
      });
    else taxCents = applyBasisPoints(subtotalCents, answers.tax.data);
  }
  const totalCents = subtotalCents + taxCents;

  const unavailable = new Map<string, DependencyUnavailableError>();
  noteUnavailable(unavailable, [answers.customer, answers.quote, answers.tax]);
  return {
    terms: { shipTo, currency, lines, subtotalCents, taxCents, totalCents },
    holds,
    problems,
    unavailable,
  };
}

function noteUnavailable(
  unavailable: Map<string, DependencyUnavailableError>,
  answers: readonly Answer<unknown>[],
): void {
  for (const answer of answers) {
    if ('unavailable' in answer && !unavailable.has(answer.unavailable.subgraph))
      unavailable.set(answer.unavailable.subgraph, answer.unavailable);
  }
}

/** Adds what the reservations answered: INVENTORY and CREDIT holds, then a hold per dependency that did not answer. */
function withReservations(
  reads: ReadAssessment,
  answers: { stock: Answer<StockAnswer>; credit: Answer<CreditAnswer>; limit: number | null },
  reserved: ReservationOwner[],
): OrderCheckResult {
  const holds = [...reads.holds];
  const { stock, credit, limit } = answers;
  if (has(stock)) {
    for (const short of stock.data.shortLines) {
      const split =
        short.availableInAll >= short.requested
          ? `, at most ${short.availableInOneWarehouse} in one warehouse (a line ships whole from one)`
          : '';
      holds.push({
        reason: 'INVENTORY',
        detail: plainHold(
          'STOCK_SHORT',
          `SKU ${short.sku}: ${short.requested} requested, ${short.availableInAll} available across warehouses${split}`,
        ),
      });
    }
  }
  if (has(credit) && !credit.data.reserved && limit !== null) {
    const { totalCents, currency } = reads.terms;
    holds.push({
      reason: 'CREDIT',
      detail: creditLimitExceeded({
        orderTotalCents: totalCents,
        currency,
        exposureCents: centsOfMoney(credit.data.exposure.amount),
        limitCents: limit,
      }),
    });
  }
  const unavailable = new Map(reads.unavailable);
  noteUnavailable(unavailable, [stock, credit]);
  for (const [subgraph, error] of unavailable) {
    holds.push({
      reason: 'DEPENDENCY_UNAVAILABLE',
      dependency: subgraph,
      detail: plainHold(
        'DEPENDENCY_UNAVAILABLE',
        `${subgraph} did not answer (${error.reason}): ${SKIPPED_CHECKS[subgraph] ?? 'its checks'} not checked`,
      ),
    });
  }
  return {
    terms: reads.terms,
    holds,
    problems: reads.problems,
    unavailable: [...unavailable.keys()],
    reserved,
  };
}

/** What placeOrder could not check without each dependency. */
const SKIPPED_CHECKS: Record<string, string> = {
  customers: 'customer status, ship-to address, tax and credit',
  catalog: 'prices, availability and credit',
  finance: 'tax rate and credit exposure',
  inventory: 'availability',
};
