import { formatCents, money, PARTNER_TAG, rowIfVisible, requestNow } from '@switchyard/kit';
import { daysPastDue } from '../aging';
import { invoiceBalanceCents } from '../receivable-totals';
import { OPEN_INVOICE_STATUSES, type InvoiceLine } from '../store';
import { builder, connectionType, Money } from './builder';
import { InvoiceStatusEnum } from './enums';
import { CreditMemoType, DisputeResolutionType } from './dispute-types';
import {
  applicationsOfInvoiceLoader,
  creditMemosOfInvoiceLoader,
  disputeResolutionsOfInvoiceLoader,
  invoiceLinesLoader,
  invoiceLoader,
  invoiceSettlementLoader,
} from './loaders';
import { InvoiceRef, PaymentApplicationRef } from './object-refs';
import { CustomerRef, OrderRef, ProductRef, ShipmentRef } from './references';
import { customerOf } from './row-rules';

export const InvoiceLineType = builder.objectRef<InvoiceLine>('InvoiceLine').implement({
  description:
    'What one invoice line bills: a shipped quantity of one order line, at the order price.',
  tag: PARTNER_TAG,
  fields: (t) => ({
    lineNumber: t.exposeInt('lineNumber'),
    orderLineNumber: t.exposeInt('orderLineNumber', {
      description: 'The line of the order this bills (Order.lines.lineNumber).',
    }),
    product: t.field({ type: ProductRef, nullable: true, resolve: (l) => ({ id: l.productId }) }),
    sku: t.exposeString('sku'),
    quantity: t.exposeInt('quantity', {
      description: 'Units billed, in the product unit of measure.',
    }),
    unitPrice: t.field({
      type: Money,
      nullable: true,
      requiresScopes: [['finance:read']],
      resolve: (l) => money(l.unitPriceCents, l.currency),
    }),
    extendedPrice: t.field({
      type: Money,
      nullable: true,
      requiresScopes: [['finance:read']],
      description: 'quantity x unitPrice.',
      resolve: (l) => money(l.extendedCents, l.currency),
    }),
  }),
});

InvoiceRef.implement({
  description:
    'An accounts-receivable invoice: the goods of one shipment, billed to the customer (the ERP finance record).',
  // A partner's own invoices are its business (row scope keeps them its own): each field it sees carries the partner tag,
  // so that what settles a dispute (credits, resolutions) stays internal until partners are meant to see it.
  fields: (t) => ({
    id: t.exposeID('id', { tag: PARTNER_TAG }),
    number: t.exposeString('number', { tag: PARTNER_TAG }),
    status: t.field({ tag: PARTNER_TAG, type: InvoiceStatusEnum, resolve: (i) => i.status }),
    customer: t.field({
      tag: PARTNER_TAG,
      type: CustomerRef,
      nullable: true,
      resolve: (i) => ({ id: i.customerId }),
    }),
    order: t.field({
      tag: PARTNER_TAG,
      type: OrderRef,
      nullable: true,
      resolve: (i) => ({ id: i.orderId }),
    }),
    shipment: t.field({
      tag: PARTNER_TAG,
      type: ShipmentRef,
      nullable: true,
      description: 'The shipment whose goods this bills.',
      resolve: (i) => ({ id: i.shipmentId }),
    }),
    lines: t.field({
      tag: PARTNER_TAG,
      type: [InvoiceLineType],
      resolve: (i, _args, ctx) => invoiceLinesLoader(ctx).load(i.id),
    }),
    subtotal: t.field({
      tag: PARTNER_TAG,
      type: Money,
      nullable: true,
      requiresScopes: [['finance:read']],
      description: 'The sum of the lines.',
      resolve: (i) => money(i.subtotalCents, i.currency),
    }),
    tax: t.field({
      tag: PARTNER_TAG,
      type: Money,
      nullable: true,
      requiresScopes: [['finance:read']],
      description: 'subtotal x taxRate, rounded half away from zero.',
      resolve: (i) => money(i.taxCents, i.currency),
    }),
    total: t.field({
      tag: PARTNER_TAG,
      type: Money,
      nullable: true,
      requiresScopes: [['finance:read']],
      description: 'subtotal + tax.',
      resolve: (i) => money(i.totalCents, i.currency),
    }),
    amountPaid: t.field({
      tag: PARTNER_TAG,
      type: Money,
      nullable: true,
      requiresScopes: [['finance:read']],
      description: 'What payments applied to this invoice add up to.',
      resolve: async (i, _args, ctx) =>
        money((await invoiceSettlementLoader(ctx).load(i.id)).paidCents, i.currency),
    }),
    amountCredited: t.field({
      type: Money,
      nullable: true,
      requiresScopes: [['finance:read']],
      description:
        'What credit memos (disputes settled by credit) took off the balance; the total stays as billed.',
      resolve: async (i, _args, ctx) =>
        money((await invoiceSettlementLoader(ctx).load(i.id)).creditedCents, i.currency),
    }),
    balance: t.field({
      tag: PARTNER_TAG,
      type: Money,
      nullable: true,
      requiresScopes: [['finance:read']],
      description:
        'What is still owed: total - amountPaid - amountCredited (zero for a VOID invoice).',
      resolve: async (i, _args, ctx) =>
        money(invoiceBalanceCents(i, await invoiceSettlementLoader(ctx).load(i.id)), i.currency),
    }),
    creditMemos: t.field({
      type: [CreditMemoType],
      description: 'The credit memos issued against this invoice, oldest first.',
      resolve: (i, _args, ctx) => creditMemosOfInvoiceLoader(ctx).load(i.id),
    }),
    disputeResolutions: t.field({
      type: [DisputeResolutionType],
      description:
        'How its disputes were settled, oldest first (empty while never disputed or still in dispute).',
      resolve: (i, _args, ctx) => disputeResolutionsOfInvoiceLoader(ctx).load(i.id),
    }),
    taxRegion: t.exposeString('taxRegion', {
      tag: PARTNER_TAG,
      description: 'The ship-to state or province whose rate applies.',
    }),
    taxRate: t.string({
      tag: PARTNER_TAG,
      description: 'The tax rate applied, in percent as a decimal string: "8.25" for 8.25 %.',
      // Basis points are hundredths of a percent: the same scale as cents of a unit.
      resolve: (i) => formatCents(i.taxRateBps),
    }),
    taxRateBasisPoints: t.exposeInt('taxRateBps', {
      tag: PARTNER_TAG,
      description: 'The tax rate applied, in hundredths of a percent (825 = 8.25 %).',
    }),
    issuedAt: t.field({ tag: PARTNER_TAG, type: 'DateTime', resolve: (i) => i.issuedAt }),
    dueAt: t.field({
      tag: PARTNER_TAG,
      type: 'DateTime',
      description: 'issuedAt plus the payment terms of the customer.',
      resolve: (i) => i.dueAt,
    }),
    shippedAt: t.field({
      tag: PARTNER_TAG,
      type: 'DateTime',
      nullable: true,
      description:
        'When the shipment it bills left the warehouse (null for invoices issued before shipments were announced).',
      resolve: (i) => i.shippedAt,
    }),
    disputedAt: t.field({
      tag: PARTNER_TAG,
      type: 'DateTime',
      nullable: true,
      description: 'When the customer disputed it; null when never disputed.',
      resolve: (i) => i.disputedAt,
    }),
    disputeReason: t.exposeString('disputeReason', {
      tag: PARTNER_TAG,
      nullable: true,
      description: 'What the customer contests; null when never disputed.',
    }),
    daysPastDue: t.int({
      tag: PARTNER_TAG,
      description:
        'Started days since dueAt as of `asOf` (default now); 0 when not yet due, PAID or VOID.',
      args: { asOf: t.arg({ type: 'DateTime' }) },
      resolve: (i, args, ctx) =>
        OPEN_INVOICE_STATUSES.includes(i.status)
          ? daysPastDue(i.dueAt, args.asOf ?? requestNow(ctx))
          : 0,
    }),
    applications: t.field({
      tag: PARTNER_TAG,
      type: [PaymentApplicationRef],
      description: 'The payments applied to this invoice, oldest first.',
      resolve: (i, _args, ctx) => applicationsOfInvoiceLoader(ctx).load(i.id),
    }),
  }),
});

builder.asEntity(InvoiceRef, {
  key: builder.selection<{ id: string }>('id'),
  // A foreign representation resolves as a missing one (null), so it tells nothing about which ids exist.
  resolveReference: async (ref, ctx) =>
    rowIfVisible(ctx.rowScope, await invoiceLoader(ctx).load(ref.id), customerOf),
});

export const InvoiceConnection = connectionType('Invoice', InvoiceRef, { tag: PARTNER_TAG });
