import { assertServiceCaller, badUserInput, money, parseAmountCents } from '@switchyard/kit';
import type { CreditReservationOutcome } from '../store';
import { builder, Money } from './builder';

/** Reservation ids are placeOrder's (`RSV-` and a hash or a UUID): printable, bounded. */
const RESERVATION_ID = /^[\x21-\x7e]{1,100}$/;
const CURRENCY = /^[A-Z]{3}$/;

export function checkReservationId(value: string | number): string {
  const id = String(value);
  if (!RESERVATION_ID.test(id))
    throw badUserInput('reservationId must be 1 to 100 printable characters', 'reservationId');
  return id;
}

const ReserveCreditInput = builder.inputType('ReserveCreditInput', {
  fields: (t) => ({
    reservationId: t.id({
      required: true,
      description:
        'Chosen by the caller, one per placement attempt: the same id again reserves once.',
    }),
    customerId: t.id({ required: true }),
    amount: t.string({ required: true, description: 'The order total, a decimal ("1081.20").' }),
    currency: t.string({ required: true }),
    creditLimit: t.string({
      required: true,
      description: "The customer's credit limit as the customer master holds it.",
    }),
    checkOnly: t.boolean({
      description: 'Answer whether it fits without reserving (an order held for another reason).',
    }),
  }),
});

const CreditReservationResult = builder
  .objectRef<CreditReservationOutcome & { currency: string }>('CreditReservationResult')
  .implement({
    description: 'Whether the amount was reserved, and the exposure it was weighed on top of.',
    fields: (t) => ({
      reserved: t.exposeBoolean('reserved'),
      exposure: t.field({
        type: Money,
        description:
          'Exposure without this reservation (receivables, uninvoiced orders, other reservations).',
        resolve: (r) => money(r.exposureCents, r.currency),
      }),
    }),
  });

// placeOrder's commands to finance (orders' service client): @inaccessible, so the gateway never offers
// them, and refuse any caller but a service.
builder.mutationFields((t) => ({
  reserveCredit: t.field({
    type: CreditReservationResult,
    inaccessible: true,
    description:
      "Reserves the amount against the customer's credit when exposure plus the amount stays within the limit, checked and written in one transaction serialized per customer; the same reservationId again reserves once. Services only (placeOrder).",
    args: { input: t.arg({ type: ReserveCreditInput, required: true }) },
    resolve: async (_root, { input }, ctx) => {
      assertServiceCaller(ctx);
      const currency = input.currency;
      if (!CURRENCY.test(currency))
        throw badUserInput('input.currency must be an ISO-4217 code', 'input.currency');
      const outcome = await ctx.store.reserveCredit({
        reservationId: checkReservationId(input.reservationId),
        customerId: String(input.customerId),
        amountCents: parseAmountCents(input.amount, 'input.amount'),
        currency,
        creditLimitCents: parseAmountCents(input.creditLimit, 'input.creditLimit'),
        checkOnly: input.checkOnly ?? false,
      });
      return { ...outcome, currency };
    },
  }),
  releaseCreditReservation: t.boolean({
    inaccessible: true,
    description:
      'Gives an ACTIVE credit reservation back (placeOrder held the order, or gave up): true when it was active. Services only.',
    args: { reservationId: t.arg.id({ required: true }) },
    resolve: (_root, args, ctx) => {
      assertServiceCaller(ctx);
      return ctx.store.releaseCreditReservation(checkReservationId(args.reservationId));
    },
  }),
}));
