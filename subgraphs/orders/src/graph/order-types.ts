import { money, PARTNER_TAG, renderClassifiedText, rowIfVisibleAsync } from '@switchyard/kit';
import type { Hold, Order, OrderLine, OrderStatusChange, ShipToAddress } from '../store';
import { builder, connectionType, Money } from './builder';
import { HoldReasonEnum, OrderChannelEnum, OrderStatusEnum, PricingRuleEnum } from './enums';
import { holdsLoader, orderLinesLoader, orderLoader, statusHistoryLoader } from './loaders';
import { CustomerRef, ProductRef } from './references';
import { orderRow } from './row-rules';

const ShipToAddressType = builder.objectRef<ShipToAddress>('ShipToAddress').implement({
  description:
    "Where the order ships: a copy of the customer's ship-to address taken when the order was placed.",
  tag: PARTNER_TAG,
  fields: (t) => ({
    addressId: t.exposeID('addressId', {
      description: "The customer's address this was copied from (Customer.addresses).",
    }),
    name: t.exposeString('name'),
    line1: t.exposeString('line1'),
    city: t.exposeString('city'),
    region: t.exposeString('region', { description: 'State or province code.' }),
    postalCode: t.exposeString('postalCode'),
    country: t.exposeString('country', { description: 'ISO-3166 alpha-2.' }),
  }),
});

export const OrderLineType = builder.objectRef<OrderLine>('OrderLine').implement({
  description: 'One product on an order, priced when the order was placed.',
  tag: PARTNER_TAG,
  fields: (t) => ({
    lineNumber: t.exposeInt('lineNumber', { description: '1, 2, 3... within the order.' }),
    product: t.field({
      // `{ product { sku } }` needs no call to catalog: the line's SKU is the product's (references.ts).
      type: ProductRef.provides<{ sku: string }>('sku'),
      nullable: true,
      description:
        'null while the line is not identified: placed while the catalog was unavailable (the order waits on a DEPENDENCY_UNAVAILABLE hold).',
      resolve: (l) => (l.productId === null ? null : { id: l.productId, sku: l.sku }),
    }),
    sku: t.exposeString('sku', {
      description:
        'The SKU as ordered (a copy, so the line reads the same if the catalog changes).',
    }),
    quantity: t.exposeInt('quantity', { description: "In the product's unit of measure." }),
    unitPrice: t.field({ type: Money, resolve: (l) => money(l.unitPriceCents, l.currency) }),
    extendedPrice: t.field({
      type: Money,
      description: 'unitPrice × quantity.',
      resolve: (l) => money(l.extendedCents, l.currency),
    }),
    pricingRule: t.field({
      type: PricingRuleEnum,
      nullable: true,
      description: 'The rule that set unitPrice; null while the line is not priced.',
      resolve: (l) => l.pricingRule,
    }),
    expectedUnitPrice: t.field({
      type: Money,
      nullable: true,
      description:
        'The unit price the client showed when it placed the order, when it said (a different price holds the order: PRICING).',
      resolve: (l) =>
        l.expectedUnitPriceCents === null ? null : money(l.expectedUnitPriceCents, l.currency),
    }),
    shippedQuantity: t.exposeInt('shippedQuantity', {
      description: 'Units that left a warehouse, over all shipments of the order.',
    }),
  }),
});

const OrderStatusChangeType = builder.objectRef<OrderStatusChange>('OrderStatusChange').implement({
  description: 'When an order entered a status, and what moved it there.',
  fields: (t) => ({
    status: t.field({ type: OrderStatusEnum, tag: PARTNER_TAG, resolve: (c) => c.status }),
    at: t.field({ type: 'DateTime', tag: PARTNER_TAG, resolve: (c) => c.at }),
    cause: t.exposeString('cause', {
      tag: PARTNER_TAG,
      description:
        'The command (placeOrder, releaseHold, cancelOrder) or the event (InventoryAllocated, ShipmentConfirmed...).',
    }),
    // Not for partners: a release's note is credit control's.
    note: t.exposeString('note', {
      nullable: true,
      authenticated: true,
      description: 'The reason given, for a cancellation or a release.',
    }),
  }),
});

export const HoldType = builder.objectRef<Hold>('Hold').implement({
  description: 'A reason an order may not proceed until someone releases it.',
  fields: (t) => ({
    id: t.exposeID('id'),
    reason: t.field({ type: HoldReasonEnum, resolve: (h) => h.reason }),
    detail: t.string({
      description:
        'What the check found, for the person who releases the hold. Figures guarded by a scope appear only to callers holding it: a CREDIT hold names the credit limit, exposure and available credit to credit:read, others read the sentence without them.',
      resolve: (h, _args, ctx) => renderClassifiedText(h.detail, ctx.caller),
    }),
    placedAt: t.field({ type: 'DateTime', resolve: (h) => h.placedAt }),
    releasedAt: t.field({ type: 'DateTime', nullable: true, resolve: (h) => h.releasedAt }),
    releasedBy: t.exposeString('releasedBy', {
      nullable: true,
      authenticated: true,
      description: 'Who released it (a user or an automated rule).',
    }),
    active: t.boolean({
      description: 'True until the hold is released.',
      resolve: (h) => h.releasedAt === null,
    }),
    dependency: t.exposeString('dependency', {
      nullable: true,
      description:
        'DEPENDENCY_UNAVAILABLE: the subgraph that did not answer; releasing the hold runs its checks again.',
    }),
    releaseNote: t.exposeString('releaseNote', {
      nullable: true,
      authenticated: true,
      description: 'What the person who released it noted.',
    }),
  }),
});

// Partners see their orders (PARTNER_TAG) but not the holds (credit control's detail): the status says ON_HOLD.
export const OrderType = builder.objectRef<Order>('Order').implement({
  description:
    'A sales order in the ERP: what a customer ordered, at which prices, and where it is in order-to-cash.',
  fields: (t) => ({
    id: t.exposeID('id', { tag: PARTNER_TAG }),
    number: t.exposeString('number', {
      tag: PARTNER_TAG,
      description: 'The order number people quote (on documents and in the portal).',
    }),
    status: t.field({ type: OrderStatusEnum, tag: PARTNER_TAG, resolve: (o) => o.status }),
    channel: t.field({ type: OrderChannelEnum, tag: PARTNER_TAG, resolve: (o) => o.channel }),
    poNumber: t.exposeString('poNumber', {
      nullable: true,
      tag: PARTNER_TAG,
      description: "The customer's purchase order number, when they gave one.",
    }),
    customer: t.field({
      type: CustomerRef,
      nullable: true,
      tag: PARTNER_TAG,
      // Callers whose row scope the customer master cannot check (a web store sees orders by channel) get null here, not a lost order.
      description:
        'The account that ordered; null when the caller may not see that customer account (as if it did not exist).',
      resolve: (o) => ({ id: o.customerId }),
    }),
    shipTo: t.field({
      type: ShipToAddressType,
      nullable: true,
      authenticated: true,
      tag: PARTNER_TAG,
      description:
        'null while not known: placed while the customer master was unavailable (the order waits on a DEPENDENCY_UNAVAILABLE hold).',
      resolve: (o) => o.shipTo,
    }),
    // Kept for partners' integrations written before shipTo; the registry carries its sunset (issue 15).
    shipToAddressId: t.id({
      nullable: true,
      tag: PARTNER_TAG,
      deprecationReason: 'Use shipTo { addressId }: the address as shipped, not only its id.',
      description: 'The id of the ship-to address, or the one asked for while shipTo is not known.',
      resolve: (o) => o.shipTo?.addressId ?? o.requestedShipToAddressId,
    }),
    placedAt: t.field({ type: 'DateTime', tag: PARTNER_TAG, resolve: (o) => o.placedAt }),
    updatedAt: t.field({
      type: 'DateTime',
      tag: PARTNER_TAG,
      description: 'The last change of status, lines or holds.',
      resolve: (o) => o.updatedAt,
    }),
    subtotal: t.field({
      type: Money,
      tag: PARTNER_TAG,
      description: "The sum of the lines' extended prices.",
      resolve: (o) => money(o.subtotalCents, o.currency),
    }),
    tax: t.field({ type: Money, tag: PARTNER_TAG, resolve: (o) => money(o.taxCents, o.currency) }),
    total: t.field({
      type: Money,
      tag: PARTNER_TAG,
      description: 'subtotal + tax.',
      resolve: (o) => money(o.totalCents, o.currency),
    }),
    lines: t.field({
      type: [OrderLineType],
      tag: PARTNER_TAG,
      description: 'By line number.',
      resolve: (o, _args, ctx) => orderLinesLoader(ctx).load(o.id),
    }),
    lineCount: t.int({
      tag: PARTNER_TAG,
      resolve: async (o, _args, ctx) => (await orderLinesLoader(ctx).load(o.id)).length,
    }),
    allowBackorder: t.exposeBoolean('allowBackorder', {
      tag: PARTNER_TAG,
      description: 'Placed to be accepted without stock: availability was not checked.',
    }),
    statusHistory: t.field({
      type: [OrderStatusChangeType],
      tag: PARTNER_TAG,
      description:
        'Every status the order entered, oldest first: it only moves forward along order-to-cash.',
      resolve: (o, _args, ctx) => statusHistoryLoader(ctx).load(o.id),
    }),
    holds: t.field({
      type: [HoldType],
      description:
        'Holds placed on this order, oldest first, released ones included unless `active` says otherwise.',
      args: {
        active: t.arg.boolean({
          description: 'true: only holds still in force; false: only released ones.',
        }),
      },
      resolve: async (o, args, ctx) => {
        const holds = await holdsLoader(ctx).load(o.id);
        return args.active == null
          ? holds
          : holds.filter((h) => (h.releasedAt === null) === args.active);
      },
    }),
  }),
});

builder.asEntity(OrderType, {
  key: builder.selection<{ id: string }>('id'),
  // A foreign representation resolves as a missing one (null), so it tells nothing about which ids exist.
  resolveReference: async (ref, ctx) =>
    rowIfVisibleAsync(ctx.rowScope, await orderLoader(ctx).load(ref.id), (order) =>
      orderRow(order, ctx),
    ),
});

export const OrderConnection = connectionType<Order>('Order', OrderType, { tag: PARTNER_TAG });
