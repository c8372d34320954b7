import {
  badUserInput,
  ClassifiedTextError,
  defineTextTemplate,
  ErrorCode,
  formatCents,
  invalidStateTransition,
} from '@switchyard/kit';
import type { CashApplication, Invoice, InvoiceStatus } from './store';

/** Statuses cash may be applied to: a PAID invoice owes nothing, a VOID one never did, a DISPUTED one waits for its dispute. */
const PAYABLE_STATUSES: readonly InvoiceStatus[] = ['OPEN', 'PARTIALLY_PAID'];

// What an invoice still owes and what a payment holds are finance:read's (Invoice.balance, Payment.unappliedAmount):
// the refusals name them to callers holding it only; the amounts the caller typed are its own.
const OVER_BALANCE = defineTextTemplate(
  'APPLICATION_OVER_BALANCE',
  '{argument}: {amount} is more than invoice {invoiceId} still owes[ ({balance})]',
  { argument: 'public', amount: 'public', invoiceId: 'public', balance: 'financeAmount' },
);
const OVER_PAYMENT = defineTextTemplate(
  'APPLICATION_OVER_PAYMENT',
  '{argument}: applying {total} is more than the payment has to apply[ ({available})]',
  { argument: 'public', total: 'public', available: 'financeAmount' },
);

export interface CashToApply {
  customerId: string;
  currency: string;
  /** What the payment may still apply: its amount, or what it holds unapplied. */
  availableCents: number;
}

export interface AppliedInvoice {
  invoice: Invoice;
  appliedCents: number;
  /** The invoice's balance after this application. */
  balanceCents: number;
  status: InvoiceStatus;
}

/**
 * The rules of cash application, checked against the invoices as read in the command's transaction
 * (`balances`: each invoice's current balance). Every application goes to an existing invoice of the
 * payment's customer, in its currency, OPEN or PARTIALLY_PAID (else INVALID_STATE_TRANSITION), once per
 * invoice and never over its balance; together they never apply more than `cash.availableCents` (the
 * rest stays unapplied cash). Refusals are BAD_USER_INPUT naming the application (`argument`[i]).
 * Answers where each invoice stands afterwards: PAID when nothing is left, else PARTIALLY_PAID.
 */
export function applyCash(
  cash: CashToApply,
  applications: readonly CashApplication[],
  invoices: ReadonlyMap<string, { invoice: Invoice; balanceCents: number }>,
  argument: string,
): AppliedInvoice[] {
  const seen = new Set<string>();
  const applied = applications.map((application, i) => {
    const path = `${argument}[${i}]`;
    const found = invoices.get(application.invoiceId);
    if (!found || found.invoice.customerId !== cash.customerId) {
      throw badUserInput(
        `${path}.invoiceId: ${application.invoiceId} is not an invoice of customer ${cash.customerId}`,
        `${path}.invoiceId`,
      );
    }
    if (seen.has(application.invoiceId))
      throw badUserInput(
        `${path}.invoiceId: invoice ${application.invoiceId} is applied to twice`,
        `${path}.invoiceId`,
      );
    seen.add(application.invoiceId);
    const { invoice, balanceCents } = found;
    const after = balanceCents - application.amountCents;
    const status: InvoiceStatus = after <= 0 ? 'PAID' : 'PARTIALLY_PAID';
    if (!PAYABLE_STATUSES.includes(invoice.status)) {
      throw invalidStateTransition(
        'Invoice',
        invoice.id,
        invoice.status,
        status,
        `invoice ${invoice.number} (${invoice.id}) is ${invoice.status}: no cash can be applied to it`,
      );
    }
    if (invoice.currency !== cash.currency) {
      throw badUserInput(
        `${path}.invoiceId: invoice ${invoice.id} is in ${invoice.currency}, the payment in ${cash.currency}`,
        `${path}.invoiceId`,
      );
    }
    if (after < 0) {
      const argument = `${path}.amount`;
      throw new ClassifiedTextError(
        OVER_BALANCE.compose({
          argument,
          amount: formatCents(application.amountCents),
          invoiceId: invoice.id,
          balance: formatCents(balanceCents),
        }),
        { code: ErrorCode.BAD_USER_INPUT, argument },
      );
    }
    return { invoice, appliedCents: application.amountCents, balanceCents: after, status };
  });
  const total = applied.reduce((sum, a) => sum + a.appliedCents, 0);
  if (total > cash.availableCents) {
    throw new ClassifiedTextError(
      OVER_PAYMENT.compose({
        argument,
        total: formatCents(total),
        available: formatCents(cash.availableCents),
      }),
      { code: ErrorCode.BAD_USER_INPUT, argument },
    );
  }
  return applied;
}
