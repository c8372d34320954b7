import { badUserInput, notFound, pageRequest, PARTNER_TAG, toConnection } from '@switchyard/kit';
import { builder, pageArgs } from './builder';
import { CategoryType } from './category-type';
import { ProductStatus } from './enums';
import { productBySkuLoader, productLoader } from './loaders';
import { PriceListType } from './price-list-type';
import { PriceQuoteLineInput, PriceQuoteLineType, quotePrices } from './price-quote';
import { ProductConnection, ProductType } from './product-type';

builder.queryType({
  fields: (t) => ({
    product: t.field({
      tag: ['stage:quote', PARTNER_TAG],
      type: ProductType,
      nullable: true,
      description:
        'A product by id or by SKU (give exactly one); null with a NOT_FOUND error when there is none.',
      args: { id: t.arg.id(), sku: t.arg.string() },
      resolve: async (_root, args, ctx) => {
        if ((args.id == null) === (args.sku == null))
          throw badUserInput('give exactly one of "id" and "sku"');
        const product =
          args.id != null
            ? await productLoader(ctx).load(String(args.id))
            : await productBySkuLoader(ctx).load(args.sku!);
        if (!product) throw notFound('Product', String(args.id ?? args.sku));
        return product;
      },
    }),
    products: t.field({
      tag: ['stage:quote', PARTNER_TAG],
      type: ProductConnection,
      listSize: {
        assumedSize: 20,
        slicingArguments: ['first'],
        sizedFields: ['edges'],
        requireOneSlicingArgument: false,
      },
      description: 'Products ordered by id, filtered by all the given arguments together.',
      args: {
        ...pageArgs,
        search: t.arg.string({
          description:
            'Part of the name or SKU, case-insensitive, matched literally (% and _ included); at most 200 characters.',
          directives: { length: { max: 200 } },
        }),
        categoryId: t.arg.id({ description: 'This category or any category below it.' }),
        status: t.arg({ type: ProductStatus }),
      },
      resolve: async (_root, args, ctx) => {
        const page = pageRequest(args);
        const filter = {
          search: args.search,
          categoryId: args.categoryId == null ? null : String(args.categoryId),
          status: args.status,
        };
        const rows = await ctx.store.listProducts(filter, page);
        return toConnection(
          rows,
          page,
          (p) => p.id,
          () => ctx.store.countProducts(filter),
        );
      },
    }),
    priceLists: t.field({
      tag: ['stage:quote'],
      type: [PriceListType],
      description: 'Every price list, ordered by code.',
      resolve: (_root, _args, ctx) => ctx.store.listPriceLists(),
    }),
    priceQuote: t.field({
      tag: ['stage:quote', PARTNER_TAG],
      type: [PriceQuoteLineType],
      // Prices up to 100 lines through contract prices, price lists and quantity breaks.
      cost: 10,
      description:
        'Prices 1 to 100 lines for a customer today, each as `Product.price` would, answered in the order asked; an unknown SKU answers its line with null product and price. A quantity below 1 is BAD_USER_INPUT naming the line.',
      args: {
        customerId: t.arg.id({
          required: true,
          description: 'The customer buying: its contract prices and price list apply.',
        }),
        lines: t.arg({ type: [PriceQuoteLineInput], required: true }),
      },
      resolve: (_root, args, ctx) => quotePrices(ctx, String(args.customerId), args.lines),
    }),
    categories: t.field({
      tag: ['stage:quote', PARTNER_TAG],
      type: [CategoryType],
      description: 'The whole category tree, ordered by id (each category names its parent).',
      resolve: (_root, _args, ctx) => ctx.store.listCategories(),
    }),
  }),
});
