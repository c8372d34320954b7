import { badUserInput, PARTNER_TAG } from '@switchyard/kit';
import { builder } from './builder';
import { InvoiceRef } from './object-refs';

builder.mutationFields((t) => ({
  disputeInvoice: t.field({
    tag: ['stage:invoicing', PARTNER_TAG],
    type: InvoiceRef,
    nullable: true,
    requiresScopes: [['finance:write']],
    description:
      'The customer contests an invoice: OPEN or PARTIALLY_PAID -> DISPUTED (still owed, but no cash is applied to it while disputed); any other status is INVALID_STATE_TRANSITION. Announces InvoiceDisputed. A partner may dispute only its own invoices (FORBIDDEN).',
    args: {
      invoiceId: t.arg.id({ required: true }),
      reason: t.arg.string({ required: true, description: 'What the customer contests (1..500 characters).' }),
    },
    resolve: async (_root, args, ctx) => {
      const reason = args.reason.trim();
      if (reason.length === 0 || reason.length > 500) throw badUserInput('reason must hold 1 to 500 characters', 'reason');
      const invoice = await ctx.store.disputeInvoice(String(args.invoiceId), reason, { correlationId: ctx.correlationId, callerId: ctx.caller.id });
      // InvoiceDisputed goes out now rather than at the relay's next poll.
      ctx.events.kick();
      return invoice;
    },
  }),
}));
