import { defineTextTemplate, formatCents, publicText, type ClassifiedText } from '@switchyard/kit';

/**
 * What a hold says, as facts rendered per reader (kit classified-text): a CREDIT hold's figures (the
 * customer's credit limit, exposure and available credit) are guarded by credit:read like
 * Customer.creditLimit, so a reader without it gets the sentence without them. Every hold detail is
 * built here; one that carries a guarded value goes through a template that classifies it.
 */
export const CREDIT_LIMIT_EXCEEDED = defineTextTemplate(
  'CREDIT_LIMIT_EXCEEDED',
  'Order total {orderTotal} {currency} exceeds the available credit[ of {available}: credit exposure {exposure}, credit limit {limit}]',
  {
    orderTotal: 'public',
    currency: 'public',
    available: 'credit',
    exposure: 'credit',
    limit: 'credit',
  },
);

/** The CREDIT hold of an order whose total does not fit in what the limit leaves over the exposure. */
export function creditLimitExceeded(figures: {
  orderTotalCents: number;
  currency: string;
  exposureCents: number;
  limitCents: number;
}): ClassifiedText {
  return CREDIT_LIMIT_EXCEEDED.compose({
    orderTotal: formatCents(figures.orderTotalCents),
    currency: figures.currency,
    available: formatCents(Math.max(0, figures.limitCents - figures.exposureCents)),
    exposure: formatCents(figures.exposureCents),
    limit: formatCents(figures.limitCents),
  });
}

/** A hold sentence with nothing guarded in it (statuses, SKUs, quantities, prices the order shows anyway). */
export const plainHold = (code: string, sentence: string): ClassifiedText =>
  publicText(code, sentence);

// Legacy details: holds written as one sentence before the facts were stored (0004_classified_hold_details).

const AMOUNT = String.raw`-?\d+\.\d{2}`;
/** order-checks.ts before: its figures are taken apart and classified. */
const CHECKS_CREDIT = new RegExp(
  String.raw`^Credit exposure (${AMOUNT}) \+ this order (${AMOUNT}) = ${AMOUNT} ([A-Z]{3}) exceeds the credit limit of (${AMOUNT})$`,
);
/** The seed's before. */
const SEED_CREDIT = new RegExp(
  String.raw`^Order total \$(${AMOUNT}) exceeds available credit of \$(${AMOUNT}) \(limit \$(${AMOUNT})\)$`,
);
const SEED_CREDIT_TEXT = defineTextTemplate(
  'CREDIT_LIMIT_EXCEEDED',
  'Order total ${orderTotal} exceeds the available credit[ of ${available} (limit ${limit})]',
  { orderTotal: 'public', available: 'credit', limit: 'credit' },
);
/** The other sentences order capture and the seed wrote: nothing guarded in them. */
const PLAIN_SENTENCES = [
  /^Customer \S+ is [A-Z_]+, not ACTIVE: its orders need credit control's release$/,
  /^Account \S+ is on hold; new orders need credit approval$/,
  /^Line \d+ \(SKU [^)]+\): (the product is DISCONTINUED|the catalog has no price for it|priced in [A-Z]{3}, the order is in [A-Z]{3})$/,
  /^Line \d+ \(SKU [^)]+\): the client showed \d+\.\d{2}, the price is \d+\.\d{2} [A-Z]{3} \([A-Za-z_ ]+\)$/,
  /^Line \d+ \(SKU [^)]+\): requested price override of \d+% needs manager approval$/,
  /^No sales tax rate for region \S+: finance must set one \(setTaxRate\)$/,
  /^SKU \S+: \d+ requested, \d+ available across warehouses(, at most \d+ in one warehouse \(a line ships whole from one\))?$/,
  /^[a-z]+ did not answer \([a-z-]+\): [a-z ,]+ not checked$/,
  /^Credit check could not complete: finance did not answer in time; retry before release$/,
];
/** What a reader who may not see an unrecognized legacy detail reads instead, by reason. */
const GENERIC: Record<string, string> = {
  CREDIT: 'The order exceeds the available credit',
  PRICING: 'A price on the order needs review',
  INVENTORY: 'Stock is short for a line of the order',
  CUSTOMER_STATUS: 'The customer account is not active',
  DEPENDENCY_UNAVAILABLE: 'A check did not run: a system did not answer',
};

/**
 * A detail stored as one sentence, as facts: a sentence this code wrote is taken apart (its credit
 * figures classified) or kept whole when nothing in it is guarded; any other sentence may carry
 * anything, so it is classified `unknown` (only a reader holding every scope sees it) and others read
 * the generic sentence of its reason.
 */
export function legacyHoldText(reason: string, detail: string): ClassifiedText {
  const checks = CHECKS_CREDIT.exec(detail);
  if (checks) {
    const [, exposure, orderTotal, currency, limit] = checks;
    const cents = (amount: string) => Math.round(Number(amount) * 100);
    return creditLimitExceeded({
      orderTotalCents: cents(orderTotal),
      currency,
      exposureCents: cents(exposure),
      limitCents: cents(limit),
    });
  }
  const seed = SEED_CREDIT.exec(detail);
  if (seed) {
    const [, orderTotal, available, limit] = seed;
    return SEED_CREDIT_TEXT.compose({ orderTotal, available, limit });
  }
  if (PLAIN_SENTENCES.some((sentence) => sentence.test(detail))) return plainHold(reason, detail);
  return {
    code: 'UNCLASSIFIED',
    template: `${Object.hasOwn(GENERIC, reason) ? GENERIC[reason] : 'The order is on hold'}[: {detail}]`,
    values: { detail: { value: detail, class: 'unknown' } },
  };
}
