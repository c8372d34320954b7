import { badUserInput } from '@switchyard/kit';
import { builder } from './builder';
import { TaxRateType } from './tax-rate-type';

/** The highest rate finance accepts: 25 %, above any sales tax in force. */
export const MAX_TAX_RATE_BPS = 2500;
/** State or province codes: TX, ON, NSW. */
const REGION = /^[A-Z]{2,3}$/;

export function checkRegion(region: string, argument = 'region'): string {
  if (!REGION.test(region))
    throw badUserInput(
      `${argument} must be a state or province code of 2 or 3 capital letters, like "TX", got ${JSON.stringify(region)}`,
      argument,
    );
  return region;
}

builder.mutationFields((t) => ({
  setTaxRate: t.field({
    tag: ['stage:invoicing'],
    type: TaxRateType,
    nullable: true,
    requiresScopes: [['finance:write']],
    description:
      "Sets a ship-to region's sales tax rate (creating it when new), for invoices issued from now on; the change is kept, so invoice accuracy checks older invoices against the rate of their day. A rate outside 0..2500 basis points is BAD_USER_INPUT. Callers restricted to some rows (partners) get FORBIDDEN: rates are everyone's.",
    args: {
      region: t.arg.string({ required: true, description: 'State or province code, e.g. TX.' }),
      rateBasisPoints: t.arg.int({
        required: true,
        description: 'In hundredths of a percent (825 = 8.25 %), 0..2500.',
      }),
    },
    resolve: async (_root, args, ctx) => {
      const region = checkRegion(args.region);
      if (args.rateBasisPoints < 0 || args.rateBasisPoints > MAX_TAX_RATE_BPS) {
        throw badUserInput(
          `rateBasisPoints must be between 0 and ${MAX_TAX_RATE_BPS}, got ${args.rateBasisPoints}`,
          'rateBasisPoints',
        );
      }
      return ctx.store.setTaxRate(region, args.rateBasisPoints, {
        correlationId: ctx.correlationId,
        callerId: ctx.caller.id,
      });
    },
  }),
}));
