import type { Invoice, Payment, PaymentApplication } from '../store';
import { builder } from './builder';

/** Declared apart from their implementations because they refer to each other (invoice <-> application <-> payment). */
export const InvoiceRef = builder.objectRef<Invoice>('Invoice');
export const PaymentRef = builder.objectRef<Payment>('Payment');
export const PaymentApplicationRef = builder.objectRef<PaymentApplication>('PaymentApplication');
