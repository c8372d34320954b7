import { formatCents } from '@switchyard/kit';
import type { TaxRate } from '../store';
import { builder } from './builder';

export const TaxRateType = builder.objectRef<TaxRate>('TaxRate').implement({
  description: 'The sales tax rate of a ship-to region, applied to invoice subtotals.',
  fields: (t) => ({
    region: t.exposeString('region', { description: 'State or province code.' }),
    // Basis points are hundredths of a percent: the same scale as cents of a unit.
    rate: t.string({
      description: 'In percent as a decimal string: "8.25" for 8.25 %.',
      resolve: (r) => formatCents(r.rateBps),
    }),
    rateBasisPoints: t.exposeInt('rateBps', {
      description: 'In hundredths of a percent (825 = 8.25 %).',
    }),
  }),
});
