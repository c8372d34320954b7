import {
  applyBasisPoints,
  centsOfMoney,
  DependencyUnavailableError,
  formatCents,
  type ServiceClient,
} from '@switchyard/kit';
import type { PlaceOrderRequest } from './place-order-request';
import type { HoldDraft, LineDraft, OrderTerms, PricingRule, ShipToAddress } from './store';

/**
 * placeOrder's synchronous checks, asked of the subgraphs that own the facts, in parallel where they
 * can be (tax needs the ship-to region from customers, availability the product ids from catalog), each
 * call bounded by the service client's timeout:
 *
 *   customers  the customer is ACTIVE (else CUSTOMER_STATUS), its ship-to address, currency, credit limit
 *   catalog    every line priced by the pricing rules (DISCONTINUED or a price other than the client showed: PRICING)
 *   finance    the ship-to region's tax rate (none: PRICING), the credit exposure (exposure + total > limit: CREDIT)
 *   inventory  units available across warehouses (fewer than ordered: INVENTORY, unless backorders are allowed)
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
}

/** Used only when neither customers nor catalog answered: replaced when the checks run again. */
const PROVISIONAL_CURRENCY = 'USD';

const ADDRESS_FIELDS = 'id name line1 city region postalCode country';
const CUSTOMER_QUERY = `query OrderCaptureCustomer($id: ID!) {
  customer(id: $id) { id status currency creditLimit { amount currency } shipTo { ${ADDRESS_FIELDS} } addresses(kind: SHIP_TO) { ${ADDRESS_FIELDS} } }
}`;
const PRICE_QUERY = `query OrderCapturePrices($customerId: ID!, $lines: [PriceQuoteLineInput!]!) {
  priceQuote(customerId: $customerId, lines: $lines) { sku product { id sku status } unitPrice { amount currency } extendedPrice { amount currency } rule }
}`;
const EXPOSURE_QUERY = `query OrderCaptureExposure($representations: [_Any!]!) {
  _entities(representations: $representations) { ... on Customer { creditExposure { amount currency } } }
}`;
const TAX_RATE_QUERY = `query OrderCaptureTaxRate($region: String!) { taxRate(region: $region) { rateBasisPoints } }`;
const AVAILABILITY_QUERY = `query OrderCaptureAvailability($representations: [_Any!]!) {
  _entities(representations: $representations) { ... on Product { id totalAvailable } }
}`;

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
  const exposureCall = ask(async () => {
    const representations = [{ __typename: 'Customer', id: request.customerId }];
    const data = await services.query<{
      _entities: ({ creditExposure: { amount: string } | null } | null)[];
    }>('finance', EXPOSURE_QUERY, { representations }, options);
    const exposure = data._entities?.[0]?.creditExposure;
    if (!exposure) throw broken('finance', 'no credit exposure for the customer');
    return centsOfMoney(exposure.amount);
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
  const availabilityCall: Promise<Answer<Map<string, number>>> = quoteCall.then((quote) => {
    const productIds = has(quote)
      ? quote.data.flatMap((l) => (l.product ? [l.product.id] : []))
      : [];
    if (request.allowBackorder || productIds.length === 0) return { skipped: true };
    return ask(async () => {
      const representations = productIds.map((id) => ({ __typename: 'Product', id }));
      const data = await services.query<{
        _entities: ({ id: string; totalAvailable: number } | null)[];
      }>('inventory', AVAILABILITY_QUERY, { representations }, options);
      // A product inventory holds no stock of has none available.
      return new Map(productIds.map((id, i) => [id, data._entities?.[i]?.totalAvailable ?? 0]));
    });
  });
  const [customer, quote, exposure, shipTo, tax, availability] = await Promise.all([
    customerCall,
    quoteCall,
    exposureCall,
    shipToCall,
    taxCall,
    availabilityCall,
  ]);
  return assess(request, { customer, quote, exposure, shipTo, tax, availability });
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

interface Answers {
  customer: Answer<CustomerAnswer | null>;
  quote: Answer<QuotedLineAnswer[]>;
  exposure: Answer<number>;
  shipTo: ShipToResult | null;
  tax: Answer<number | null>;
  availability: Answer<Map<string, number>>;
}

/** Turns the answers into the order's terms, its holds and what is wrong with the request. */
function assess(request: PlaceOrderRequest, answers: Answers): OrderCheckResult {
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
      detail: `Customer ${customer.id} is ${customer.status}, not ACTIVE: its orders need credit control's release`,
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
      holds.push({ reason: 'PRICING', detail: `${label}: the product is DISCONTINUED` });
    if (!line.unitPrice) {
      holds.push({ reason: 'PRICING', detail: `${label}: the catalog has no price for it` });
      return { ...unpriced, productId: line.product.id };
    }
    const unitPriceCents = centsOfMoney(line.unitPrice.amount);
    const extendedCents = line.extendedPrice
      ? centsOfMoney(line.extendedPrice.amount)
      : unitPriceCents * asked.quantity;
    if (line.unitPrice.currency !== currency) {
      holds.push({
        reason: 'PRICING',
        detail: `${label}: priced in ${line.unitPrice.currency}, the order is in ${currency}`,
      });
    }
    if (asked.expectedUnitPriceCents !== null && asked.expectedUnitPriceCents !== unitPriceCents) {
      holds.push({
        reason: 'PRICING',
        detail: `${label}: the client showed ${formatCents(asked.expectedUnitPriceCents)}, the price is ${formatCents(unitPriceCents)} ${line.unitPrice.currency} (${line.rule ?? 'no rule'})`,
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
        detail: `No sales tax rate for region ${shipTo!.region}: finance must set one (setTaxRate)`,
      });
    else taxCents = applyBasisPoints(subtotalCents, answers.tax.data);
  }
  const totalCents = subtotalCents + taxCents;

  if (has(answers.availability)) {
    for (const line of lines) {
      const available = line.productId ? answers.availability.data.get(line.productId) : undefined;
      if (available !== undefined && available < line.quantity) {
        holds.push({
          reason: 'INVENTORY',
          detail: `SKU ${line.sku}: ${line.quantity} requested, ${available} available across warehouses`,
        });
      }
    }
  }

  const limit = customer?.creditLimit ? centsOfMoney(customer.creditLimit.amount) : null;
  if (
    limit !== null &&
    quoted &&
    has(answers.exposure) &&
    answers.exposure.data + totalCents > limit
  ) {
    const exposure = answers.exposure.data;
    holds.push({
      reason: 'CREDIT',
      detail: `Credit exposure ${formatCents(exposure)} + this order ${formatCents(totalCents)} = ${formatCents(exposure + totalCents)} ${currency} exceeds the credit limit of ${formatCents(limit)}`,
    });
  }

  const unavailable = new Map<string, DependencyUnavailableError>();
  for (const answer of [
    answers.customer,
    answers.quote,
    answers.exposure,
    answers.tax,
    answers.availability,
  ]) {
    if ('unavailable' in answer && !unavailable.has(answer.unavailable.subgraph))
      unavailable.set(answer.unavailable.subgraph, answer.unavailable);
  }
  for (const [subgraph, error] of unavailable) {
    holds.push({
      reason: 'DEPENDENCY_UNAVAILABLE',
      dependency: subgraph,
      detail: `${subgraph} did not answer (${error.reason}): ${SKIPPED_CHECKS[subgraph] ?? 'its checks'} not checked`,
    });
  }
  return {
    terms: { shipTo, currency, lines, subtotalCents, taxCents, totalCents },
    holds,
    problems,
    unavailable: [...unavailable.keys()],
  };
}

/** What placeOrder could not check without each dependency. */
const SKIPPED_CHECKS: Record<string, string> = {
  customers: 'customer status, ship-to address, tax and credit',
  catalog: 'prices, availability and credit',
  finance: 'tax rate and credit exposure',
  inventory: 'availability',
};
