import { PARTNER_TAG } from '@switchyard/kit';
import { cancelOrder, releaseHold } from '../order-commands';
import { placeOrder, type PlaceOrderResult } from '../place-order';
import { MAX_LINE_QUANTITY, MAX_ORDER_LINES } from '../place-order-request';
import { builder, type Context } from './builder';
import { OrderChannelEnum } from './enums';
import { HoldType, OrderType } from './order-types';

const PlaceOrderLineInput = builder.inputType('PlaceOrderLineInput', {
  description: 'A quantity of a product, by SKU (each SKU once per order).',
  fields: (t) => ({
    sku: t.string({ required: true }),
    quantity: t.int({
      required: true,
      description: `Units in the product's unit of measure, 1..${MAX_LINE_QUANTITY}.`,
    }),
    expectedUnitPrice: t.string({
      description:
        'The unit price the client showed the buyer, as a decimal ("12.50"): when the price is another, the order is held (PRICING).',
    }),
  }),
});

const PlaceOrderInput = builder.inputType('PlaceOrderInput', {
  fields: (t) => ({
    customerId: t.id({ required: true }),
    lines: t.field({
      type: [PlaceOrderLineInput],
      required: true,
      description: `1..${MAX_ORDER_LINES} lines.`,
    }),
    shipToAddressId: t.id({
      description: "One of the customer's SHIP_TO addresses; default: its default ship-to.",
    }),
    poNumber: t.string({
      description: "The customer's purchase order number (at most 50 characters).",
    }),
    channel: t.field({
      type: OrderChannelEnum,
      description:
        "Default by the caller: a distributor's EDI, a portal's PORTAL, others SALES_REP. An ecommerce store's orders are always ECOMMERCE.",
    }),
    allowBackorder: t.boolean({
      defaultValue: false,
      description: 'Accept the order even when stock is short (availability is then not checked).',
    }),
  }),
});

const PlaceOrderResultType = builder.objectRef<PlaceOrderResult>('PlaceOrderResult').implement({
  description: 'What placeOrder decided: the order, accepted or on hold with every reason.',
  fields: (t) => ({
    order: t.field({ type: OrderType, tag: PARTNER_TAG, resolve: (r) => r.order }),
    accepted: t.exposeBoolean('accepted', {
      tag: PARTNER_TAG,
      description: 'True when the order passed every check (ACCEPTED); false when it went ON_HOLD.',
    }),
    // Not for partners (credit control's detail): accepted false and the order's status say it is held.
    holds: t.field({
      type: [HoldType],
      description: 'Why it is on hold: one hold per finding, each with its detail.',
      resolve: (r) => r.holds,
    }),
    replayed: t.exposeBoolean('replayed', {
      tag: PARTNER_TAG,
      description:
        'True when answered from the idempotency key: an earlier request with the same key and input placed this order.',
    }),
  }),
});

/** Publishes the events a command wrote without waiting for the relay's next poll. */
const announced = async <T>(ctx: Context, result: Promise<T>): Promise<T> => {
  const value = await result;
  ctx.events.kick();
  return value;
};

builder.mutationFields((t) => ({
  placeOrder: t.field({
    tag: ['stage:order-capture', PARTNER_TAG],
    type: PlaceOrderResultType,
    nullable: true,
    requiresScopes: [['orders:write']],
    description:
      'Places an order after checking it synchronously with the systems that own the facts: the customer is ACTIVE (customers), every line is priced by the pricing rules (catalog), stock is available (inventory), the ship-to region has a tax rate and the order fits within the credit limit (finance). It is ACCEPTED (OrderAccepted), or ON_HOLD with every reason (CUSTOMER_STATUS, PRICING, INVENTORY, CREDIT, DEPENDENCY_UNAVAILABLE when a system did not answer in time; OrderHeld). The same idempotencyKey with the same input answers the same order (replayed); with another input it is refused (IDEMPOTENCY_KEY_REUSED). An unknown customer, SKU or ship-to address is BAD_USER_INPUT naming the field; a partner may order only for its own customers (FORBIDDEN).',
    args: {
      input: t.arg({ type: PlaceOrderInput, required: true }),
      idempotencyKey: t.arg.string({
        required: true,
        description:
          'Unique per request of this caller (8..200 printable characters, e.g. a UUID): send it again to retry safely.',
      }),
    },
    resolve: (_root, args, ctx) => announced(ctx, placeOrder(ctx, args.input, args.idempotencyKey)),
  }),
  cancelOrder: t.field({
    tag: ['stage:order-capture', PARTNER_TAG],
    type: OrderType,
    nullable: true,
    requiresScopes: [['orders:write']],
    description:
      'Cancels an order that has not shipped (ON_HOLD, ACCEPTED, ALLOCATED, BACKORDERED; otherwise INVALID_STATE_TRANSITION) and announces OrderCancelled: inventory releases its stock, shipments cancels what is planned.',
    args: {
      orderId: t.arg.id({ required: true }),
      reason: t.arg.string({ required: true, description: '1..500 characters.' }),
    },
    resolve: (_root, args, ctx) =>
      announced(ctx, cancelOrder(ctx, String(args.orderId), args.reason)),
  }),
  releaseHold: t.field({
    tag: ['stage:order-capture'],
    type: OrderType,
    nullable: true,
    requiresScopes: [['orders:release-hold']],
    description:
      'Releases a hold of an ON_HOLD order (holdId), or all its open holds; with none left the order is ACCEPTED and OrderAccepted announced. Releasing a DEPENDENCY_UNAVAILABLE hold runs the checks again first: the order is completed (prices, ship-to, tax) and what they find for the first time is held anew; DEPENDENCY_UNAVAILABLE when a system still does not answer.',
    args: {
      orderId: t.arg.id({ required: true }),
      holdId: t.arg.id({ description: 'Default: every open hold.' }),
      note: t.arg.string({ description: 'Why, for the record (at most 500 characters).' }),
    },
    resolve: (_root, args, ctx) =>
      announced(
        ctx,
        releaseHold(
          ctx,
          String(args.orderId),
          args.holdId == null ? null : String(args.holdId),
          args.note,
        ),
      ),
  }),
}));
