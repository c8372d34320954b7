import { DISPUTE_OUTCOMES, INVOICE_STATUSES, PAYMENT_METHODS } from '../store';
import { builder } from './builder';

export const InvoiceStatusEnum = builder.enumType('InvoiceStatus', {
  description:
    'OPEN until paid; PARTIALLY_PAID once payments cover part of it; PAID when nothing is left (paid, or the rest credited); DISPUTED while the customer contests it (still owed); VOID when cancelled (owes nothing).',
  values: INVOICE_STATUSES,
});

export const PaymentMethodEnum = builder.enumType('PaymentMethod', {
  description: 'How the customer paid: ACH transfer, WIRE transfer, CHECK or CARD.',
  values: PAYMENT_METHODS,
});

export const DisputeOutcomeEnum = builder.enumType('DisputeOutcome', {
  description:
    'How a dispute is settled: REJECTED (the invoice stands as billed), CREDITED (a credit memo takes an amount off its balance), VOIDED (cancelled: owes nothing; only when nothing was paid on it).',
  values: DISPUTE_OUTCOMES,
});
