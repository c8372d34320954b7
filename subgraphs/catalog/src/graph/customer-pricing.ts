import { money, PARTNER_TAG, requestNow } from '@switchyard/kit';
import type { ContractPrice } from '../store';
import { builder, Money } from './builder';
import {
  contractPricesOfCustomerLoader,
  loadProductOf,
  priceListAssignmentLoader,
  priceListLoader,
} from './loaders';
import { PriceListType } from './price-list-type';
import { ProductType } from './product-type';
import { CustomerRef } from './references';

/** Valid on the day of `at`: the same by-day rule as pricing.ts applies. */
const isValidOn = (contract: ContractPrice, at: string) => {
  const day = at.slice(0, 10);
  return contract.validFrom.slice(0, 10) <= day && day <= contract.validTo.slice(0, 10);
};

const ContractPriceType = builder.objectRef<ContractPrice>('ContractPrice').implement({
  description:
    'A unit price negotiated with one customer for one product; while valid it wins over every other rule.',
  tag: PARTNER_TAG,
  fields: (t) => ({
    id: t.exposeID('id'),
    product: t.field({ type: ProductType, resolve: (c, _args, ctx) => loadProductOf(ctx, c) }),
    unitPrice: t.field({
      type: Money,
      description: 'In the currency of the product.',
      resolve: async (c, _args, ctx) => money(c.priceCents, (await loadProductOf(ctx, c)).currency),
    }),
    validFrom: t.field({
      type: 'DateTime',
      description: 'First day it applies.',
      resolve: (c) => c.validFrom,
    }),
    validTo: t.field({
      type: 'DateTime',
      description: 'Last day it applies (inclusive).',
      resolve: (c) => c.validTo,
    }),
    active: t.boolean({
      description: 'Valid today, so it prices new orders.',
      resolve: (c, _args, ctx) => isValidOn(c, requestNow(ctx)),
    }),
  }),
});

/** Extends the customers subgraph's Customer: the parent is its key, `{ id }`. */
CustomerRef.implement({
  fields: (t) => ({
    id: t.exposeID('id'),
    priceList: t.field({
      type: PriceListType,
      nullable: true,
      tag: PARTNER_TAG,
      description: 'The price list the customer buys from; null when it pays list price.',
      resolve: async (customer, _args, ctx) => {
        const assignment = await priceListAssignmentLoader(ctx).load(customer.id);
        return assignment ? priceListLoader(ctx).load(assignment.priceListId) : null;
      },
    }),
    contractPrices: t.field({
      type: [ContractPriceType],
      nullable: true,
      tag: PARTNER_TAG,
      description: "The customer's contract prices, by product then validFrom.",
      args: {
        active: t.arg.boolean({
          description:
            'true: only those valid today; false: only expired or future ones; omitted: all.',
        }),
      },
      resolve: async (customer, args, ctx) => {
        const contracts = await contractPricesOfCustomerLoader(ctx).load(customer.id);
        if (args.active == null) return contracts;
        const now = requestNow(ctx);
        return contracts.filter((c) => isValidOn(c, now) === args.active);
      },
    }),
  }),
});
