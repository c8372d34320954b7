import {
  badUserInput,
  ClassifiedTextError,
  defineTextTemplate,
  ErrorCode,
  formatCents,
  invalidStateTransition,
} from '@switchyard/kit';
import type { DisputeOutcome, Invoice, InvoiceStatus } from './store';

/** Where a disputed invoice stands, as read in the resolving transaction. */
export interface DisputedInvoice {
  invoice: Invoice;
  paidCents: number;
  /** Credits issued by earlier disputes. */
  creditedCents: number;
}

export interface SettledDispute {
  status: InvoiceStatus;
  /** The credit memo to issue (CREDITED), else 0. */
  creditCents: number;
  balanceCents: number;
}

/** The status a resolution's outcome targets, for INVALID_STATE_TRANSITION's `to`. */
const TARGET: Record<DisputeOutcome, InvoiceStatus> = {
  REJECTED: 'OPEN',
  CREDITED: 'PAID',
  VOIDED: 'VOID',
};

// What was paid on an invoice and what it still owes are finance:read's (Invoice.amountPaid, balance): the
// refusals name them to callers holding it only; the credit the caller typed is its own.
const PAID_ON = defineTextTemplate(
  'VOID_AFTER_PAYMENT',
  'invoice {number} ({invoiceId}) has cash paid on it[ ({paid})]: it cannot be voided, credit its balance instead',
  { number: 'public', invoiceId: 'public', paid: 'financeAmount' },
);
const CREDIT_OVER_BALANCE = defineTextTemplate(
  'CREDIT_OVER_BALANCE',
  'creditAmount: {credit} is more than invoice {invoiceId} still owes[ ({balance})]',
  { credit: 'public', invoiceId: 'public', balance: 'financeAmount' },
);

/**
 * The rules of settling a dispute. Only a DISPUTED invoice has one to settle (INVALID_STATE_TRANSITION).
 * REJECTED: the invoice stands as it was. CREDITED: `creditCents` (> 0, at most the balance:
 * BAD_USER_INPUT naming creditAmount) comes off the balance. VOIDED: only an invoice nothing was paid
 * on (else INVALID_STATE_TRANSITION: credit it instead); it owes nothing. An invoice still owed is
 * PARTIALLY_PAID once cash was applied to it, else OPEN; one whose balance reaches 0 is PAID.
 */
export function settleDispute(
  disputed: DisputedInvoice,
  outcome: DisputeOutcome,
  creditCents: number | null,
): SettledDispute {
  const { invoice, paidCents, creditedCents } = disputed;
  if (invoice.status !== 'DISPUTED') {
    throw invalidStateTransition(
      'Invoice',
      invoice.id,
      invoice.status,
      TARGET[outcome],
      `invoice ${invoice.number} (${invoice.id}) is ${invoice.status}: only a DISPUTED invoice has a dispute to resolve`,
    );
  }
  const balanceCents = invoice.totalCents - paidCents - creditedCents;
  if (outcome === 'VOIDED') {
    if (paidCents > 0) {
      const transition = { typeName: 'Invoice', id: invoice.id, from: invoice.status, to: 'VOID' };
      throw new ClassifiedTextError(
        PAID_ON.compose({
          number: invoice.number,
          invoiceId: invoice.id,
          paid: formatCents(paidCents),
        }),
        { code: ErrorCode.INVALID_STATE_TRANSITION, ...transition },
      );
    }
    return { status: 'VOID', creditCents: 0, balanceCents: 0 };
  }
  const credit = outcome === 'CREDITED' ? creditCents : 0;
  if (credit === null)
    throw badUserInput('creditAmount is required when the outcome is CREDITED', 'creditAmount');
  if (credit > balanceCents) {
    throw new ClassifiedTextError(
      CREDIT_OVER_BALANCE.compose({
        credit: formatCents(credit),
        invoiceId: invoice.id,
        balance: formatCents(balanceCents),
      }),
      { code: ErrorCode.BAD_USER_INPUT, argument: 'creditAmount' },
    );
  }
  const after = balanceCents - credit;
  const status: InvoiceStatus = after === 0 ? 'PAID' : paidCents > 0 ? 'PARTIALLY_PAID' : 'OPEN';
  return { status, creditCents: credit, balanceCents: after };
}
