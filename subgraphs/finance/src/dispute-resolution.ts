import { badUserInput, formatCents, invalidStateTransition } from '@switchyard/kit';
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
      throw invalidStateTransition(
        'Invoice',
        invoice.id,
        invoice.status,
        'VOID',
        `invoice ${invoice.number} (${invoice.id}) has ${formatCents(paidCents)} paid on it: it cannot be voided, credit its balance instead`,
      );
    }
    return { status: 'VOID', creditCents: 0, balanceCents: 0 };
  }
  const credit = outcome === 'CREDITED' ? creditCents : 0;
  if (credit === null)
    throw badUserInput('creditAmount is required when the outcome is CREDITED', 'creditAmount');
  if (credit > balanceCents) {
    throw badUserInput(
      `creditAmount: ${formatCents(credit)} is more than the ${formatCents(balanceCents)} invoice ${invoice.id} still owes`,
      'creditAmount',
    );
  }
  const after = balanceCents - credit;
  const status: InvoiceStatus = after === 0 ? 'PAID' : paidCents > 0 ? 'PARTIALLY_PAID' : 'OPEN';
  return { status, creditCents: credit, balanceCents: after };
}
