import { badUserInput, PARTNER_TAG } from '@switchyard/kit';
import { parsePositiveAmountCents } from '../decimal-amount';
import { builder } from './builder';
import { DisputeOutcomeEnum } from './enums';
import { InvoiceRef } from './object-refs';
import { invoiceOfCaller } from './row-rules';

builder.mutationFields((t) => ({
  disputeInvoice: t.field({
    tag: ['stage:invoicing', PARTNER_TAG],
    type: InvoiceRef,
    nullable: true,
    requiresScopes: [['finance:write']],
    description:
      "The customer contests an invoice: OPEN or PARTIALLY_PAID -> DISPUTED (still owed, but no cash is applied to it while disputed); any other status is INVALID_STATE_TRANSITION. Announces InvoiceDisputed. A partner may dispute only its own invoices (another customer's is NOT_FOUND, as an unknown one).",
    args: {
      invoiceId: t.arg.id({ required: true }),
      reason: t.arg.string({
        required: true,
        description: 'What the customer contests (1..500 characters).',
      }),
    },
    resolve: async (_root, args, ctx) => {
      const reason = args.reason.trim();
      if (reason.length === 0 || reason.length > 500)
        throw badUserInput('reason must hold 1 to 500 characters', 'reason');
      await invoiceOfCaller(ctx, String(args.invoiceId));
      const invoice = await ctx.store.disputeInvoice(String(args.invoiceId), reason, {
        correlationId: ctx.correlationId,
        callerId: ctx.caller.id,
      });
      // InvoiceDisputed goes out now rather than at the relay's next poll.
      ctx.events.kick();
      return invoice;
    },
  }),
  resolveDispute: t.field({
    // Not for partners: settling a dispute is finance's decision.
    tag: ['stage:invoicing'],
    type: InvoiceRef,
    nullable: true,
    requiresScopes: [['finance:write']],
    description:
      'Settles the dispute of a DISPUTED invoice (any other status is INVALID_STATE_TRANSITION). REJECTED: the invoice stands, back to OPEN (PARTIALLY_PAID once cash was applied to it). CREDITED: a credit memo of creditAmount (> 0, at most the balance) takes that off the balance, the total staying as billed; PAID when nothing is left. VOIDED: VOID, owes nothing; only when nothing was paid on it (else INVALID_STATE_TRANSITION). Announces InvoiceDisputeResolved. Row scope as disputeInvoice (NOT_FOUND).',
    args: {
      invoiceId: t.arg.id({ required: true }),
      outcome: t.arg({ type: DisputeOutcomeEnum, required: true }),
      note: t.arg.string({
        required: true,
        description: 'What finance decided, and why (1..500 characters).',
      }),
      creditAmount: t.arg.string({
        description:
          'The credit, for CREDITED only: a decimal amount in major units, greater than zero, at most the balance: "25.00".',
      }),
    },
    resolve: async (_root, args, ctx) => {
      const note = args.note.trim();
      if (note.length === 0 || note.length > 500)
        throw badUserInput('note must hold 1 to 500 characters', 'note');
      let creditCents: number | null = null;
      if (args.outcome === 'CREDITED') {
        if (args.creditAmount == null)
          throw badUserInput(
            'creditAmount is required when the outcome is CREDITED',
            'creditAmount',
          );
        creditCents = parsePositiveAmountCents(args.creditAmount, 'creditAmount');
      } else if (args.creditAmount != null) {
        throw badUserInput(
          `creditAmount is only for a CREDITED outcome, not ${args.outcome}`,
          'creditAmount',
        );
      }
      await invoiceOfCaller(ctx, String(args.invoiceId));
      const invoice = await ctx.store.resolveDispute(
        { invoiceId: String(args.invoiceId), outcome: args.outcome, note, creditCents },
        { correlationId: ctx.correlationId, callerId: ctx.caller.id },
      );
      // InvoiceDisputeResolved goes out now rather than at the relay's next poll.
      ctx.events.kick();
      return invoice;
    },
  }),
}));
