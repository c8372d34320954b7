/**
 * The pricing rules of the distributor, as one pure function so that the catalog subgraph,
 * order capture and the seed generator price a line the same way.
 *
 * Precedence: a customer's contract price valid on the day wins outright; otherwise the
 * customer's price-list price (or the list price when the product is not on its list) is the
 * base, and a quantity break for the product replaces it when the quantity reaches the break
 * and the break is cheaper.
 */
export type PricingRule = 'CONTRACT' | 'QUANTITY_BREAK' | 'PRICE_LIST' | 'LIST';

export interface PricingInputs {
  listPriceCents: number;
  /** The price of the product on the customer's price list, if it is on it. */
  priceListPriceCents?: number | null;
  /** The customer's contract prices for the product (any validity). */
  contracts: { priceCents: number; validFrom: string; validTo: string }[];
  quantityBreaks: { minQuantity: number; priceCents: number }[];
  quantity: number;
  /** The pricing date, ISO-8601. */
  at: string;
}

export interface PricedLine {
  unitPriceCents: number;
  extendedCents: number;
  rule: PricingRule;
  /** For QUANTITY_BREAK: the break's minimum quantity. */
  minQuantity: number | null;
}

export function priceLine(inputs: PricingInputs): PricedLine {
  const day = inputs.at.slice(0, 10);
  const contract = inputs.contracts
    .filter((c) => c.validFrom.slice(0, 10) <= day && day <= c.validTo.slice(0, 10))
    .sort((a, b) => a.priceCents - b.priceCents)[0];
  if (contract) return line(contract.priceCents, inputs.quantity, 'CONTRACT', null);

  const onList = inputs.priceListPriceCents != null;
  const base = onList ? inputs.priceListPriceCents! : inputs.listPriceCents;
  const quantityBreak = inputs.quantityBreaks
    .filter((b) => inputs.quantity >= b.minQuantity && b.priceCents < base)
    .sort((a, b) => a.priceCents - b.priceCents)[0];
  if (quantityBreak)
    return line(
      quantityBreak.priceCents,
      inputs.quantity,
      'QUANTITY_BREAK',
      quantityBreak.minQuantity,
    );
  return line(base, inputs.quantity, onList ? 'PRICE_LIST' : 'LIST', null);
}

function line(
  unitPriceCents: number,
  quantity: number,
  rule: PricingRule,
  minQuantity: number | null,
): PricedLine {
  return { unitPriceCents, extendedCents: unitPriceCents * quantity, rule, minQuantity };
}
