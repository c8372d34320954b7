import {
  badUserInput,
  ErrorCode,
  forbiddenRow,
  rowVisible,
  type SubgraphContext,
} from '@switchyard/kit';
import { createHash } from 'node:crypto';
import { GraphQLError } from 'graphql';
import { checkOrder, releaseReservations } from './order-checks';
import { orderChannelFor } from './order-channel';
import { fingerprintOf, placeOrderRequestFrom, type PlaceOrderInput } from './place-order-request';
import type { Hold, IdempotentPlacement, Order, OrderStore } from './store';

/** What an order command needs of a request's context (resolvers pass theirs; tests a small object). */
export type OrderCommandContext = Pick<
  SubgraphContext<OrderStore>,
  'store' | 'services' | 'caller' | 'rowScope' | 'correlationId'
>;

export interface PlaceOrderResult {
  order: Order;
  /** Whether the order was accepted when it was placed. */
  accepted: boolean;
  /** The holds the checks placed on it (with their state now). */
  holds: Hold[];
  /** Answered from the idempotency key: an earlier request with the same key and input placed this order. */
  replayed: boolean;
}

/**
 * placeOrder: validate the input, check the caller may order for the customer (row scope), answer an
 * earlier request with the same key from its record, else run the checks (order-checks.ts) and write the
 * order, accepted or on hold with every reason, in one transaction with its event.
 *
 * Idempotency keys are per caller: the same key with the same input (same fingerprint) answers the same
 * order without checking again or announcing anything; with another input it is IDEMPOTENCY_KEY_REUSED.
 * Two requests with one key racing each other both check, the first to commit wins, the other answers its order.
 *
 * The checks reserve credit and stock under a reservation id derived from the caller and the key, so a
 * retried request reserves once; an order that is not accepted gives back what was reserved for it.
 */
export async function placeOrder(
  ctx: OrderCommandContext,
  input: PlaceOrderInput,
  idempotencyKey: string,
): Promise<PlaceOrderResult> {
  const request = placeOrderRequestFrom(input, idempotencyKey);
  const channel = orderChannelFor(ctx.caller, request.channel);
  if (!rowVisible(ctx.rowScope, { customerIds: request.customerId, channels: channel }))
    throw forbiddenRow('Customer');
  const fingerprint = fingerprintOf(request);
  const earlier = await ctx.store.idempotentPlacement(ctx.caller.id, idempotencyKey);
  if (earlier) return answer(ctx.store, earlier, fingerprint, idempotencyKey, true);

  const reservationId = placementReservationId(ctx.caller.id, idempotencyKey);
  const checks = await checkOrder(ctx.services, ctx.correlationId, request, reservationId);
  const [problem] = checks.problems;
  // A request found wrong reserves nothing (the checks do not reserve once a problem is known).
  if (problem) throw badUserInput(problem.message, problem.argument);
  const giveBack = () =>
    releaseReservations(ctx.services, ctx.correlationId, reservationId, checks.reserved);
  const placing = ctx.store.placeOrder(
    {
      ...checks.terms,
      customerId: request.customerId,
      requestedShipToAddressId: request.shipToAddressId,
      channel,
      poNumber: request.poNumber,
      allowBackorder: request.allowBackorder,
      placedAt: new Date().toISOString(),
      holds: checks.holds,
      reservationId,
    },
    { callerId: ctx.caller.id, key: idempotencyKey, fingerprint },
    { callerId: ctx.caller.id, correlationId: ctx.correlationId },
  );
  let placed: Awaited<typeof placing>;
  try {
    placed = await placing;
  } catch (error) {
    await giveBack();
    throw error;
  }
  const { written, placement } = placed;
  // Held: what was reserved goes back now (its OrderHeld tells the owners too, should this not reach them).
  if (written && !placement.accepted) await giveBack();
  return answer(ctx.store, placement, fingerprint, idempotencyKey, !written);
}

/** One reservation id per placement: the same caller and key (a retry) reserve under the same id, hence once. */
export function placementReservationId(callerId: string, idempotencyKey: string): string {
  return `RSV-${createHash('sha256').update(`${callerId}\n${idempotencyKey}`).digest('hex').slice(0, 32)}`;
}

async function answer(
  store: OrderStore,
  placement: IdempotentPlacement,
  fingerprint: string,
  key: string,
  replayed: boolean,
): Promise<PlaceOrderResult> {
  if (placement.fingerprint !== fingerprint) throw idempotencyKeyReused(key, placement.orderId);
  const [[order], holds] = await Promise.all([
    store.ordersByIds([placement.orderId]),
    store.holdsByOrderIds([placement.orderId]),
  ]);
  // Holds placed with the order; later ones (found when releaseHold checked again) are on the order itself.
  return {
    order,
    accepted: placement.accepted,
    holds: holds.filter((h) => h.placedAt === order.placedAt),
    replayed,
  };
}

/** The caller used an idempotency key before, for a different request. */
function idempotencyKeyReused(key: string, orderId: string): GraphQLError {
  return new GraphQLError(
    `Idempotency key ${JSON.stringify(key)} was used for a different request (order ${orderId}); use a new key for a new order`,
    { extensions: { code: ErrorCode.IDEMPOTENCY_KEY_REUSED, argument: 'idempotencyKey', orderId } },
  );
}
