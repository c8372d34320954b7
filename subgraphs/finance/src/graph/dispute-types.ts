import { money } from '@switchyard/kit';
import type { CreditMemo, DisputeResolution } from '../store';
import { builder, Money } from './builder';
import { DisputeOutcomeEnum } from './enums';

export const CreditMemoType = builder.objectRef<CreditMemo>('CreditMemo').implement({
  description:
    "An amount taken off an invoice's balance when a dispute is settled by credit; the invoice's total stays what was billed.",
  fields: (t) => ({
    id: t.exposeID('id'),
    amount: t.field({
      type: Money,
      nullable: true,
      requiresScopes: [['finance:read']],
      resolve: (c) => money(c.amountCents, c.currency),
    }),
    reason: t.exposeString('reason', {
      description: 'The note of the dispute resolution that issued it.',
    }),
    issuedAt: t.field({ type: 'DateTime', resolve: (c) => c.issuedAt }),
  }),
});

export const DisputeResolutionType = builder
  .objectRef<DisputeResolution>('DisputeResolution')
  .implement({
    description: 'How one dispute of an invoice was settled.',
    fields: (t) => ({
      id: t.exposeID('id'),
      outcome: t.field({ type: DisputeOutcomeEnum, resolve: (r) => r.outcome }),
      note: t.exposeString('note', { description: 'What finance decided, and why.' }),
      disputeReason: t.exposeString('disputeReason', {
        nullable: true,
        description: 'What the customer had contested.',
      }),
      creditMemoId: t.exposeID('creditMemoId', {
        nullable: true,
        description: 'The credit memo a CREDITED outcome issued (Invoice.creditMemos).',
      }),
      resolvedAt: t.field({ type: 'DateTime', resolve: (r) => r.resolvedAt }),
    }),
  });
