import {
  badUserInput,
  ErrorCode,
  invalidStateTransition,
  notFound,
  rowVisible,
} from '@switchyard/kit';
import { randomUUID } from 'node:crypto';
import { GraphQLError } from 'graphql';
import { checkOrder, releaseReservations } from './order-checks';
import type { PlaceOrderRequest } from './place-order-request';
import type { OrderCommandContext } from './place-order';
import type { HoldRelease, Order } from './store';

const MAX_NOTE_LENGTH = 500;

/**
 * The order a command names, when the caller may act on it; NOT_FOUND when it does not exist or is
 * outside the caller's rows (the same answer, so a caller cannot learn which ids exist).
 */
async function orderInScope(ctx: OrderCommandContext, orderId: string): Promise<Order> {
  const [order] = await ctx.store.ordersByIds([orderId]);
  if (
    !order ||
    !rowVisible(ctx.rowScope, { customerIds: order.customerId, channels: order.channel })
  )
    throw notFound('Order', orderId);
  return order;
}

function noteFrom(
  value: string | null | undefined,
  argument: string,
  required: boolean,
): string | null {
  const note = value?.trim() ?? '';
  if (note.length > MAX_NOTE_LENGTH || (required && note.length === 0)) {
    throw badUserInput(
      `${argument} must hold ${required ? 1 : 0} to ${MAX_NOTE_LENGTH} characters`,
      argument,
    );
  }
  return note || null;
}

/** cancelOrder: before anything shipped (the store enforces the states), with the reason, announcing OrderCancelled. */
export async function cancelOrder(
  ctx: OrderCommandContext,
  orderId: string,
  reason: string,
): Promise<Order> {
  const why = noteFrom(reason, 'reason', true)!;
  await orderInScope(ctx, orderId);
  return ctx.store.cancelOrder(orderId, why, {
    callerId: ctx.caller.id,
    correlationId: ctx.correlationId,
  });
}

/**
 * releaseHold: releases one hold (`holdId`) or every open one; with none left the order is ACCEPTED.
 *
 * A DEPENDENCY_UNAVAILABLE hold is not waved through: releasing it runs every check again first, since
 * the order may lack what that dependency gives (prices and product ids from catalog, the ship-to from
 * customers) and was never checked against it. The order then takes the terms the checks found (prices,
 * ship-to, tax); what they find for the first time (a reason the order was not held for) becomes a new
 * open hold, for a person to weigh. The checks reserve credit and stock again (a new reservation id),
 * given back if the order stays on hold. A dependency still down: DEPENDENCY_UNAVAILABLE, nothing changes.
 * An order that cannot be completed (its customer, a SKU or its ship-to address unknown): INVALID_STATE_TRANSITION; cancel it.
 */
export async function releaseHold(
  ctx: OrderCommandContext,
  orderId: string,
  holdId: string | null,
  noteInput: string | null | undefined,
): Promise<Order> {
  const note = noteFrom(noteInput, 'note', false);
  const order = await orderInScope(ctx, orderId);
  if (order.status !== 'ON_HOLD') {
    throw invalidStateTransition(
      'Order',
      orderId,
      order.status,
      'ACCEPTED',
      `Order ${orderId} is ${order.status}: only ON_HOLD orders have holds to release`,
    );
  }
  const holds = await ctx.store.holdsByOrderIds([orderId]);
  const chosen = holdId
    ? holds.filter((h) => h.id === holdId)
    : holds.filter((h) => h.releasedAt === null);
  if (holdId && chosen.length === 0) throw notFound('Hold', holdId);
  let revalidation: HoldRelease['revalidation'] = null;
  // What the checks run again reserved, given back when the order is not accepted after all.
  let giveBack = async () => {};
  if (chosen.some((h) => h.reason === 'DEPENDENCY_UNAVAILABLE' && h.releasedAt === null)) {
    const lines = await ctx.store.linesByOrderIds([orderId]);
    const request: PlaceOrderRequest = {
      customerId: order.customerId,
      lines: lines.map((l) => ({
        sku: l.sku,
        quantity: l.quantity,
        expectedUnitPriceCents: l.expectedUnitPriceCents,
      })),
      shipToAddressId: order.shipTo?.addressId ?? order.requestedShipToAddressId,
      poNumber: order.poNumber,
      channel: order.channel,
      allowBackorder: order.allowBackorder,
    };
    // A new reservation id: the one the order was held with may still be on its way to being released.
    const reservationId = `RSV-${randomUUID()}`;
    const checks = await checkOrder(ctx.services, ctx.correlationId, request, reservationId);
    giveBack = () =>
      releaseReservations(ctx.services, ctx.correlationId, reservationId, checks.reserved);
    if (checks.unavailable.length > 0) {
      await giveBack();
      throw new GraphQLError(
        `Order ${orderId} still cannot be checked: ${checks.unavailable.join(', ')} did not answer; nothing was released`,
        {
          extensions: { code: ErrorCode.DEPENDENCY_UNAVAILABLE, subgraphs: checks.unavailable },
        },
      );
    }
    if (checks.problems.length > 0) {
      await giveBack();
      const found = checks.problems.map((p) => p.message.replace(/^input\.[^:]*: /, '')).join('; ');
      throw invalidStateTransition(
        'Order',
        orderId,
        'ON_HOLD',
        'ACCEPTED',
        `Order ${orderId} cannot be accepted: ${found}. Cancel it and place it again`,
      );
    }
    revalidation = {
      terms: checks.terms,
      holds: checks.holds,
      expectedUpdatedAt: order.updatedAt,
      reservationId,
    };
  }
  let released: Order;
  try {
    released = await ctx.store.releaseHolds(
      orderId,
      { holdIds: holdId ? [holdId] : null, note, revalidation },
      { callerId: ctx.caller.id, correlationId: ctx.correlationId },
    );
  } catch (error) {
    await giveBack();
    throw error;
  }
  // Still on hold (a new finding, or holds left open): it keeps nothing reserved.
  if (released.status !== 'ACCEPTED') await giveBack();
  return released;
}
