import { rowLookupRule, rowRule, type RowDimensions } from '@switchyard/kit';
import type { IRules } from 'graphql-shield';
import { customerLoader } from './schema';
import type { Customer, CustomerStore } from './store';

const customerRow = (customer: Pick<Customer, 'id'>): RowDimensions => ({
  customerIds: customer.id,
});

/** Row-level rules of the customers subgraph (lists are scoped in the store): a customer is its own row. */
export const customerRowRules: IRules = {
  Query: {
    customer: rowLookupRule<{ id?: string | null; accountNumber?: string | null }>(
      'Customer',
      (args, ctx) =>
        args.id != null
          ? customerLoader(ctx).load(String(args.id))
          : (ctx.store as CustomerStore).customerByAccountNumber(args.accountNumber!),
      customerRow,
    ),
  },
  Customer: rowRule('Customer', customerRow),
};
