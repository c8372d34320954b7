import { rowLookupRule, rowRule } from '@switchyard/kit';
import type { IRules } from 'graphql-shield';
import { customerLoader, customerRow } from './schema';
import type { CustomerStore } from './store';

type CustomerLookup = { id?: string | null; accountNumber?: string | null };

/**
 * Row-level rules of the customers subgraph (lists are scoped in the store): a customer is its own
 * row; another's answers as one that does not exist.
 */
export const customerRowRules: IRules = {
  Query: {
    customer: rowLookupRule<CustomerLookup>({
      typeName: 'Customer',
      // As the resolver: exactly one of id and accountNumber, named in its NOT_FOUND.
      keyOf: (args) =>
        (args.id == null) === (args.accountNumber == null)
          ? null
          : String(args.id ?? args.accountNumber),
      load: (args, ctx) =>
        args.id
          ? customerLoader(ctx).load(String(args.id))
          : (ctx.store as CustomerStore).customerByAccountNumber(args.accountNumber!),
      dimensionsOf: customerRow,
    }),
  },
  Customer: rowRule('Customer', customerRow),
};
