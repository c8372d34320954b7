import { INVOICE_STATUSES, PAYMENT_METHODS } from '../store';
import { builder } from './builder';

export const InvoiceStatusEnum = builder.enumType('InvoiceStatus', {
  description:
    'OPEN until paid; PARTIALLY_PAID once payments cover part of it; PAID when nothing is left; DISPUTED while the customer contests it (still owed); VOID when cancelled (owes nothing).',
  values: INVOICE_STATUSES,
});

export const PaymentMethodEnum = builder.enumType('PaymentMethod', {
  description: 'How the customer paid: ACH transfer, WIRE transfer, CHECK or CARD.',
  values: PAYMENT_METHODS,
});
