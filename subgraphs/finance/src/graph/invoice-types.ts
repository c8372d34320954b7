import { formatCents, money, PARTNER_TAG, requestNow } from '@switchyard/kit';
import { daysPastDue } from '../aging';
import { invoiceBalanceCents } from '../receivable-totals';
import { OPEN_INVOICE_STATUSES, type InvoiceLine } from '../store';
import { builder, connectionType, Money } from './builder';
import { InvoiceStatusEnum } from './enums';
import { applicationsOfInvoiceLoader, invoiceLinesLoader, invoiceLoader } from './loaders';
import { InvoiceRef, PaymentApplicationRef } from './object-refs';
import { CustomerRef, OrderRef, ProductRef, ShipmentRef } from './references';

export const InvoiceLineType = builder.objectRef<InvoiceLine>('InvoiceLine').implement({
  description: 'What one invoice line bills: a shipped quantity of one order line, at the order price.',
  tag: PARTNER_TAG,
  fields: (t) => ({
    lineNumber: t.exposeInt('lineNumber'),
    orderLineNumber: t.exposeInt('orderLineNumber', { description: 'The line of the order this bills (Order.lines.lineNumber).' }),
    product: t.field({ type: ProductRef, resolve: (l) => ({ id: l.productId }) }),
    sku: t.exposeString('sku'),
    quantity: t.exposeInt('quantity', { description: 'Units billed, in the product unit of measure.' }),
    unitPrice: t.field({ type: Money, nullable: true, requiresScopes: [['finance:read']], resolve: (l) => money(l.unitPriceCents, l.currency) }),
    extendedPrice: t.field({ type: Money, nullable: true, requiresScopes: [['finance:read']], description: 'quantity x unitPrice.', resolve: (l) => money(l.extendedCents, l.currency) }),
  }),
});

InvoiceRef.implement({
  description: 'An accounts-receivable invoice: the goods of one shipment, billed to the customer (the ERP finance record).',
  // A partner's own invoices are wholly its business (row scope keeps them its own).
  tag: PARTNER_TAG,
  fields: (t) => ({
    id: t.exposeID('id'),
    number: t.exposeString('number'),
    status: t.field({ type: InvoiceStatusEnum, resolve: (i) => i.status }),
    customer: t.field({ type: CustomerRef, resolve: (i) => ({ id: i.customerId }) }),
    order: t.field({ type: OrderRef, resolve: (i) => ({ id: i.orderId }) }),
    shipment: t.field({ type: ShipmentRef, description: 'The shipment whose goods this bills.', resolve: (i) => ({ id: i.shipmentId }) }),
    lines: t.field({ type: [InvoiceLineType], resolve: (i, _args, ctx) => invoiceLinesLoader(ctx).load(i.id) }),
    subtotal: t.field({ type: Money, nullable: true, requiresScopes: [['finance:read']], description: 'The sum of the lines.', resolve: (i) => money(i.subtotalCents, i.currency) }),
    tax: t.field({ type: Money, nullable: true, requiresScopes: [['finance:read']], description: 'subtotal x taxRate, rounded half away from zero.', resolve: (i) => money(i.taxCents, i.currency) }),
    total: t.field({ type: Money, nullable: true, requiresScopes: [['finance:read']], description: 'subtotal + tax.', resolve: (i) => money(i.totalCents, i.currency) }),
    amountPaid: t.field({
      type: Money,
      nullable: true,
      requiresScopes: [['finance:read']],
      description: 'What payments applied to this invoice add up to.',
      resolve: async (i, _args, ctx) => {
        const applications = await applicationsOfInvoiceLoader(ctx).load(i.id);
        return money(applications.reduce((sum, a) => sum + a.amountCents, 0), i.currency);
      },
    }),
    balance: t.field({
      type: Money,
      nullable: true,
      requiresScopes: [['finance:read']],
      description: 'What is still owed: total - amountPaid (zero for a VOID invoice).',
      resolve: async (i, _args, ctx) => money(invoiceBalanceCents(i, await applicationsOfInvoiceLoader(ctx).load(i.id)), i.currency),
    }),
    taxRegion: t.exposeString('taxRegion', { description: 'The ship-to state or province whose rate applies.' }),
    taxRate: t.string({
      description: 'The tax rate applied, in percent as a decimal string: "8.25" for 8.25 %.',
      // Basis points are hundredths of a percent: the same scale as cents of a unit.
      resolve: (i) => formatCents(i.taxRateBps),
    }),
    taxRateBasisPoints: t.exposeInt('taxRateBps', { description: 'The tax rate applied, in hundredths of a percent (825 = 8.25 %).' }),
    issuedAt: t.field({ type: 'DateTime', resolve: (i) => i.issuedAt }),
    dueAt: t.field({ type: 'DateTime', description: 'issuedAt plus the payment terms of the customer.', resolve: (i) => i.dueAt }),
    shippedAt: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'When the shipment it bills left the warehouse (null for invoices issued before shipments were announced).',
      resolve: (i) => i.shippedAt,
    }),
    disputedAt: t.field({ type: 'DateTime', nullable: true, description: 'When the customer disputed it; null when never disputed.', resolve: (i) => i.disputedAt }),
    disputeReason: t.exposeString('disputeReason', { nullable: true, description: 'What the customer contests; null when never disputed.' }),
    daysPastDue: t.int({
      description: 'Started days since dueAt as of `asOf` (default now); 0 when not yet due, PAID or VOID.',
      args: { asOf: t.arg({ type: 'DateTime' }) },
      resolve: (i, args, ctx) => (OPEN_INVOICE_STATUSES.includes(i.status) ? daysPastDue(i.dueAt, args.asOf ?? requestNow(ctx)) : 0),
    }),
    applications: t.field({
      type: [PaymentApplicationRef],
      description: 'The payments applied to this invoice, oldest first.',
      resolve: (i, _args, ctx) => applicationsOfInvoiceLoader(ctx).load(i.id),
    }),
  }),
});

builder.asEntity(InvoiceRef, {
  key: builder.selection<{ id: string }>('id'),
  resolveReference: (ref, ctx) => invoiceLoader(ctx).load(ref.id),
});

export const InvoiceConnection = connectionType('Invoice', InvoiceRef, { tag: PARTNER_TAG });
