import { customerArgumentRule, rowRule } from '@switchyard/kit';
import type { IRules } from 'graphql-shield';

/**
 * Row-level rules of the catalog subgraph. Products, categories and price lists are public; what
 * is negotiated with one customer (its price list assignment, contract prices, a price or a quote
 * asked for that customer) is that customer's row.
 */
export const catalogRowRules: IRules = {
  Customer: rowRule('Customer', (customer: { id: string }) => ({ customerIds: customer.id })),
  Product: { price: customerArgumentRule('Product', 'customerId') },
  Query: { priceQuote: customerArgumentRule('Query', 'customerId') },
};
