import { badUserInput, requestNow } from '@switchyard/kit';
import { parsePositiveAmountCents } from '../decimal-amount';
import { knownCustomerCurrency } from '../customer-currency';
import type { CashApplication } from '../store';
import { builder } from './builder';
import { PaymentMethodEnum } from './enums';
import { PaymentRef } from './object-refs';
import { paymentOfCaller } from './row-rules';

/** The most invoices one command applies cash to. */
const MAX_APPLICATIONS = 100;
/** How far ahead of this server's clock a receivedAt may be (clock skew of the caller), in ms. */
const CLOCK_SKEW_MS = 5 * 60_000;

const CashApplicationInput = builder.inputType('CashApplicationInput', {
  description: 'Part of a payment to apply to one invoice of its customer.',
  fields: (t) => ({
    invoiceId: t.id({ required: true }),
    amount: t.string({
      required: true,
      description:
        'A decimal amount in major units, greater than zero, at most the invoice balance: "1250.00".',
    }),
  }),
});

const RecordPaymentInput = builder.inputType('RecordPaymentInput', {
  description:
    'Cash received from a customer, and the invoices to apply it to (what is not applied stays unapplied cash).',
  fields: (t) => ({
    customerId: t.id({ required: true }),
    method: t.field({ type: PaymentMethodEnum, required: true }),
    reference: t.string({
      required: true,
      description:
        'The remittance reference: check number, ACH trace or wire reference (1..100 characters).',
    }),
    amount: t.string({
      required: true,
      description:
        'The cash received: a decimal amount in major units, greater than zero: "1250.00".',
    }),
    currency: t.string({
      description:
        "ISO-4217; default: the customer's currency. Every invoice applied to must be in it.",
    }),
    receivedAt: t.field({
      type: 'DateTime',
      description: 'When the cash arrived (default now); not in the future.',
    }),
    applications: t.field({
      type: [CashApplicationInput],
      defaultValue: [],
      description: 'At most 100; together at most the amount.',
    }),
  }),
});

function applicationsFrom(
  applications: readonly { invoiceId: string | number; amount: string }[],
  argument: string,
): CashApplication[] {
  if (applications.length > MAX_APPLICATIONS)
    throw badUserInput(
      `${argument} holds at most ${MAX_APPLICATIONS} applications, got ${applications.length}`,
      argument,
    );
  return applications.map((a, i) => ({
    invoiceId: String(a.invoiceId),
    amountCents: parsePositiveAmountCents(a.amount, `${argument}[${i}].amount`),
  }));
}

builder.mutationFields((t) => ({
  recordPayment: t.field({
    tag: ['stage:cash-application'],
    type: PaymentRef,
    nullable: true,
    requiresScopes: [['finance:write']],
    description:
      "Records cash received from a customer and applies it to its invoices in one transaction: each application to an OPEN or PARTIALLY_PAID invoice of that customer (VOID, PAID or DISPUTED: INVALID_STATE_TRANSITION), never over the invoice's balance, all together never over the amount (BAD_USER_INPUT naming the application); the rest stays unapplied cash. Invoices become PAID or PARTIALLY_PAID and PaymentApplied is announced. A partner may pay only for its own customers (FORBIDDEN).",
    args: { input: t.arg({ type: RecordPaymentInput, required: true }) },
    resolve: async (_root, { input }, ctx) => {
      const customerId = String(input.customerId);
      const reference = input.reference.trim();
      if (reference.length === 0 || reference.length > 100)
        throw badUserInput('input.reference must hold 1 to 100 characters', 'input.reference');
      const amountCents = parsePositiveAmountCents(input.amount, 'input.amount');
      if (input.currency != null && !/^[A-Z]{3}$/.test(input.currency))
        throw badUserInput(
          `input.currency must be an ISO-4217 code like "USD", got ${JSON.stringify(input.currency)}`,
          'input.currency',
        );
      const receivedAt = input.receivedAt ?? requestNow(ctx);
      if (Date.parse(receivedAt) > Date.now() + CLOCK_SKEW_MS)
        throw badUserInput('input.receivedAt must not be in the future', 'input.receivedAt');
      const applications = applicationsFrom(input.applications ?? [], 'input.applications');
      const customerCurrency = await knownCustomerCurrency(ctx, customerId, 'input.customerId');
      const payment = await ctx.store.recordPayment(
        {
          customerId,
          method: input.method,
          reference,
          amountCents,
          currency: input.currency ?? customerCurrency,
          receivedAt,
          applications,
        },
        { correlationId: ctx.correlationId, callerId: ctx.caller.id },
      );
      // PaymentApplied goes out now rather than at the relay's next poll.
      ctx.events.kick();
      return payment;
    },
  }),
  applyUnappliedCash: t.field({
    tag: ['stage:cash-application'],
    type: PaymentRef,
    nullable: true,
    requiresScopes: [['finance:write']],
    description:
      "Applies cash a payment still holds unapplied to invoices of its customer, by recordPayment's rules (together at most the unapplied amount); PaymentApplied is announced. An unknown payment, or another customer's, is NOT_FOUND.",
    args: {
      paymentId: t.arg.id({ required: true }),
      applications: t.arg({ type: [CashApplicationInput], required: true }),
    },
    resolve: async (_root, args, ctx) => {
      const applications = applicationsFrom(args.applications, 'applications');
      if (applications.length === 0)
        throw badUserInput('applications must name at least one invoice', 'applications');
      await paymentOfCaller(ctx, String(args.paymentId));
      const payment = await ctx.store.applyUnappliedCash(String(args.paymentId), applications, {
        correlationId: ctx.correlationId,
        callerId: ctx.caller.id,
      });
      ctx.events.kick();
      return payment;
    },
  }),
}));
