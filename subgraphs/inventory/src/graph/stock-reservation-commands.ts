import { assertServiceCaller, badUserInput } from '@switchyard/kit';
import type { StockReservationOutcome } from '../store';
import { builder } from './builder';

/** Reservation ids are placeOrder's (`RSV-` and a hash or a UUID): printable, bounded. */
const RESERVATION_ID = /^[\x21-\x7e]{1,100}$/;
const MAX_LINES = 100;
const MAX_QUANTITY = 100_000;

function checkReservationId(value: string | number): string {
  const id = String(value);
  if (!RESERVATION_ID.test(id))
    throw badUserInput('reservationId must be 1 to 100 printable characters', 'reservationId');
  return id;
}

const ReserveStockLineInput = builder.inputType('ReserveStockLineInput', {
  fields: (t) => ({
    lineNumber: t.int({ required: true }),
    productId: t.id({ required: true }),
    sku: t.string({ required: true }),
    quantity: t.int({ required: true }),
  }),
});

const ReserveStockInput = builder.inputType('ReserveStockInput', {
  fields: (t) => ({
    reservationId: t.id({
      required: true,
      description:
        'Chosen by the caller, one per placement attempt: the same id again reserves once.',
    }),
    lines: t.field({ type: [ReserveStockLineInput], required: true }),
    checkOnly: t.boolean({
      description: 'Answer whether it fits without reserving (an order held for another reason).',
    }),
  }),
});

type ShortLine = StockReservationOutcome['shortLines'][number];
const ShortStockLine = builder.objectRef<ShortLine>('ShortStockLine').implement({
  description: 'A line no warehouse can serve whole.',
  fields: (t) => ({
    lineNumber: t.exposeInt('lineNumber'),
    sku: t.exposeString('sku'),
    requested: t.exposeInt('requested'),
    availableInOneWarehouse: t.exposeInt('availableInOneWarehouse'),
    availableInAll: t.exposeInt('availableInAll'),
  }),
});

const StockReservationResult = builder
  .objectRef<StockReservationOutcome>('StockReservationResult')
  .implement({
    description: 'Whether every line was reserved, and if not, the lines that were short.',
    fields: (t) => ({
      reserved: t.exposeBoolean('reserved'),
      shortLines: t.field({ type: [ShortStockLine], resolve: (r) => r.shortLines }),
    }),
  });

// placeOrder's commands to inventory (orders' service client): @inaccessible, so the gateway never
// offers them, and refused to any caller but a service.
builder.mutationFields((t) => ({
  reserveStock: t.field({
    type: StockReservationResult,
    inaccessible: true,
    description:
      'Reserves every line in one warehouse each, planned as allocation will plan it on what is available (on hand - allocated - reserved), in one transaction; or reserves nothing and names the short lines. The same reservationId again reserves once. Services only (placeOrder).',
    args: { input: t.arg({ type: ReserveStockInput, required: true }) },
    resolve: (_root, { input }, ctx) => {
      assertServiceCaller(ctx);
      if (input.lines.length === 0 || input.lines.length > MAX_LINES)
        throw badUserInput(`input.lines must hold 1 to ${MAX_LINES} lines`, 'input.lines');
      const lines = input.lines.map((l, i) => {
        if (!Number.isInteger(l.quantity) || l.quantity < 1 || l.quantity > MAX_QUANTITY)
          throw badUserInput(
            `input.lines[${i}].quantity must be between 1 and ${MAX_QUANTITY}`,
            `input.lines[${i}].quantity`,
          );
        return { ...l, productId: String(l.productId) };
      });
      if (new Set(lines.map((l) => l.lineNumber)).size !== lines.length)
        throw badUserInput('input.lines must each have their own lineNumber', 'input.lines');
      return ctx.store.reserveStock({
        reservationId: checkReservationId(input.reservationId),
        lines,
        checkOnly: input.checkOnly ?? false,
      });
    },
  }),
  releaseStockReservation: t.boolean({
    inaccessible: true,
    description:
      'Gives an ACTIVE stock reservation back (placeOrder held the order, or gave up): true when it was active. Services only.',
    args: { reservationId: t.arg.id({ required: true }) },
    resolve: (_root, args, ctx) => {
      assertServiceCaller(ctx);
      return ctx.store.releaseStockReservation(checkReservationId(args.reservationId));
    },
  }),
}));
