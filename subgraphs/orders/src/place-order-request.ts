import { createHash } from 'node:crypto';
import { badUserInput, parseAmountCents } from '@switchyard/kit';
import type { OrderChannel } from './store';

/** The most lines one order holds (catalog prices at most as many in one quote). */
export const MAX_ORDER_LINES = 100;
export const MAX_LINE_QUANTITY = 100_000;
const MAX_SKU_LENGTH = 64;
const MAX_PO_NUMBER_LENGTH = 50;
/** Printable ASCII without spaces: what clients put in headers and logs safely. */
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{8,200}$/;

/** placeOrder's input as the graph receives it. */
export interface PlaceOrderInput {
  customerId: string | number;
  lines: readonly { sku: string; quantity: number; expectedUnitPrice?: string | null }[];
  shipToAddressId?: string | number | null;
  poNumber?: string | null;
  channel?: OrderChannel | null;
  allowBackorder?: boolean | null;
}

/** placeOrder's input, validated and normalised: what the checks run on and what the key's fingerprint covers. */
export interface PlaceOrderRequest {
  customerId: string;
  lines: { sku: string; quantity: number; expectedUnitPriceCents: number | null }[];
  shipToAddressId: string | null;
  poNumber: string | null;
  /** The channel the caller asked for; the order's channel also depends on who the caller is (order-channel.ts). */
  channel: OrderChannel | null;
  allowBackorder: boolean;
}

/** Validates the input before anything is asked of another subgraph; BAD_USER_INPUT names the field (`input.lines[2].quantity`). */
export function placeOrderRequestFrom(
  input: PlaceOrderInput,
  idempotencyKey: string,
): PlaceOrderRequest {
  if (!IDEMPOTENCY_KEY.test(idempotencyKey)) {
    throw badUserInput(
      'idempotencyKey must be 8 to 200 printable characters without spaces (a UUID will do)',
      'idempotencyKey',
    );
  }
  const customerId = String(input.customerId).trim();
  if (customerId === '')
    throw badUserInput('input.customerId must not be empty', 'input.customerId');
  if (input.lines.length === 0 || input.lines.length > MAX_ORDER_LINES) {
    throw badUserInput(
      `an order has 1 to ${MAX_ORDER_LINES} lines, got ${input.lines.length}`,
      'input.lines',
    );
  }
  const seen = new Map<string, number>();
  const lines = input.lines.map((line, i) => {
    const at = `input.lines[${i}]`;
    const sku = line.sku.trim();
    if (sku === '' || sku.length > MAX_SKU_LENGTH)
      throw badUserInput(`${at}.sku must hold 1 to ${MAX_SKU_LENGTH} characters`, `${at}.sku`);
    const earlier = seen.get(sku);
    if (earlier !== undefined)
      throw badUserInput(
        `${at}.sku repeats ${sku} of input.lines[${earlier}]: order each SKU once`,
        `${at}.sku`,
      );
    seen.set(sku, i);
    if (
      !Number.isInteger(line.quantity) ||
      line.quantity < 1 ||
      line.quantity > MAX_LINE_QUANTITY
    ) {
      throw badUserInput(
        `${at}.quantity must be between 1 and ${MAX_LINE_QUANTITY}, got ${line.quantity}`,
        `${at}.quantity`,
      );
    }
    const expected =
      line.expectedUnitPrice == null
        ? null
        : parseAmountCents(line.expectedUnitPrice, `${at}.expectedUnitPrice`);
    return { sku, quantity: line.quantity, expectedUnitPriceCents: expected };
  });
  const shipToAddressId =
    input.shipToAddressId == null ? null : String(input.shipToAddressId).trim();
  if (shipToAddressId === '')
    throw badUserInput(
      'input.shipToAddressId must not be empty (leave it out for the default ship-to)',
      'input.shipToAddressId',
    );
  const poNumber = input.poNumber?.trim() || null;
  if (poNumber && poNumber.length > MAX_PO_NUMBER_LENGTH) {
    throw badUserInput(
      `input.poNumber holds at most ${MAX_PO_NUMBER_LENGTH} characters`,
      'input.poNumber',
    );
  }
  return {
    customerId,
    lines,
    shipToAddressId,
    poNumber,
    channel: input.channel ?? null,
    allowBackorder: input.allowBackorder ?? false,
  };
}

/**
 * sha256 of the request in a canonical form (fixed key order, normalised values): the same request
 * sent again has the same fingerprint, whatever the JSON key order or spacing the client used.
 */
export function fingerprintOf(request: PlaceOrderRequest): string {
  const canonical = [
    request.customerId,
    request.lines.map((l) => [l.sku, l.quantity, l.expectedUnitPriceCents]),
    request.shipToAddressId,
    request.poNumber,
    request.channel,
    request.allowBackorder,
  ];
  return createHash('sha256').update(JSON.stringify(canonical)).digest('hex');
}
