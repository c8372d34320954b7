import { builder } from './builder';

/**
 * Owned by the customers subgraph; catalog extends it with its pricing terms (customer-pricing.ts).
 * Its resolvers receive only the key, `{ id }`.
 */
export const CustomerRef = builder.externalRef('Customer', builder.selection<{ id: string }>('id'));
