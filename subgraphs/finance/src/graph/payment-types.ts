import { money, PARTNER_TAG, rowIfVisible } from '@switchyard/kit';
import { builder, connectionType, Money } from './builder';
import { PaymentMethodEnum } from './enums';
import { applicationsOfPaymentLoader, invoiceLoader, paymentLoader } from './loaders';
import { InvoiceRef, PaymentApplicationRef, PaymentRef } from './object-refs';
import { CustomerRef } from './references';
import { customerOf } from './row-rules';

PaymentRef.implement({
  description:
    'Cash received from a customer, applied to one or more of its invoices; what is not applied yet is unapplied cash.',
  tag: PARTNER_TAG,
  fields: (t) => ({
    id: t.exposeID('id'),
    customer: t.field({
      type: CustomerRef,
      nullable: true,
      resolve: (p) => ({ id: p.customerId }),
    }),
    method: t.field({ type: PaymentMethodEnum, resolve: (p) => p.method }),
    reference: t.exposeString('reference', {
      description: 'The remittance reference: check number, ACH trace or wire reference.',
    }),
    amount: t.field({
      type: Money,
      nullable: true,
      requiresScopes: [['finance:read']],
      description: 'The cash received.',
      resolve: (p) => money(p.amountCents, p.currency),
    }),
    appliedAmount: t.field({
      type: Money,
      nullable: true,
      requiresScopes: [['finance:read']],
      description: 'The part of the amount applied to invoices.',
      resolve: async (p, _args, ctx) =>
        money(sumApplied(await applicationsOfPaymentLoader(ctx).load(p.id)), p.currency),
    }),
    unappliedAmount: t.field({
      type: Money,
      nullable: true,
      requiresScopes: [['finance:read']],
      description: 'amount - appliedAmount: cash received but not yet matched to an invoice.',
      resolve: async (p, _args, ctx) =>
        money(
          p.amountCents - sumApplied(await applicationsOfPaymentLoader(ctx).load(p.id)),
          p.currency,
        ),
    }),
    receivedAt: t.field({ type: 'DateTime', resolve: (p) => p.receivedAt }),
    applications: t.field({
      type: [PaymentApplicationRef],
      description: 'The invoices this payment was applied to, oldest application first.',
      resolve: (p, _args, ctx) => applicationsOfPaymentLoader(ctx).load(p.id),
    }),
  }),
});

builder.asEntity(PaymentRef, {
  key: builder.selection<{ id: string }>('id'),
  // A foreign representation resolves as a missing one (null), so it tells nothing about which ids exist.
  resolveReference: async (ref, ctx) =>
    rowIfVisible(ctx.rowScope, await paymentLoader(ctx).load(ref.id), customerOf),
});

PaymentApplicationRef.implement({
  description: 'Part of a payment applied to one invoice.',
  tag: PARTNER_TAG,
  fields: (t) => ({
    id: t.exposeID('id'),
    payment: t.field({
      type: PaymentRef,
      resolve: async (a, _args, ctx) => {
        const payment = await paymentLoader(ctx).load(a.paymentId);
        // payment_id is a foreign key, so this is a broken system of record, not bad input.
        if (!payment) throw new Error(`payment ${a.paymentId} of application ${a.id} is missing`);
        return payment;
      },
    }),
    invoice: t.field({
      type: InvoiceRef,
      resolve: async (a, _args, ctx) => {
        const invoice = await invoiceLoader(ctx).load(a.invoiceId);
        if (!invoice) throw new Error(`invoice ${a.invoiceId} of application ${a.id} is missing`);
        return invoice;
      },
    }),
    amount: t.field({
      type: Money,
      nullable: true,
      requiresScopes: [['finance:read']],
      resolve: (a) => money(a.amountCents, a.currency),
    }),
    appliedAt: t.field({ type: 'DateTime', resolve: (a) => a.appliedAt }),
  }),
});

export const PaymentConnection = connectionType('Payment', PaymentRef, { tag: PARTNER_TAG });

function sumApplied(applications: readonly { amountCents: number }[]): number {
  return applications.reduce((sum, a) => sum + a.amountCents, 0);
}
