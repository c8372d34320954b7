import { badUserInput, notFound, pageRequest, PARTNER_TAG, toConnection } from '@switchyard/kit';
import { AllocationConnection } from './allocation-type';
import { builder, pageArgs } from './builder';
import { AllocationStatus } from './enums';
import { warehouseByCodeLoader, warehouseLoader } from './loaders';
import { stockLevelKey, stockLevelPage } from './stock-level-cursor';
import { StockLevelConnection } from './stock-level-type';
import { WarehouseType } from './warehouse-type';

const optionalId = (id: string | number | null | undefined) => (id == null ? null : String(id));

builder.queryType({
  fields: (t) => ({
    warehouses: t.field({
      tag: ['stage:allocation', PARTNER_TAG],
      type: [WarehouseType],
      description: 'Every warehouse, ordered by code.',
      resolve: (_root, _args, ctx) => ctx.store.listWarehouses(),
    }),
    warehouse: t.field({
      tag: ['stage:allocation', PARTNER_TAG],
      type: WarehouseType,
      nullable: true,
      description:
        'A warehouse by id or by code (give exactly one); null with a NOT_FOUND error when there is none.',
      args: { id: t.arg.id(), code: t.arg.string() },
      resolve: async (_root, args, ctx) => {
        if ((args.id == null) === (args.code == null))
          throw badUserInput('give exactly one of "id" or "code"');
        const warehouse =
          args.id != null
            ? await warehouseLoader(ctx).load(String(args.id))
            : await warehouseByCodeLoader(ctx).load(args.code!);
        if (!warehouse) throw notFound('Warehouse', String(args.id ?? args.code));
        return warehouse;
      },
    }),
    stockLevels: t.field({
      tag: ['stage:allocation'],
      type: StockLevelConnection,
      listSize: {
        assumedSize: 20,
        slicingArguments: ['first'],
        sizedFields: ['edges'],
        requireOneSlicingArgument: false,
      },
      description:
        'Stock levels ordered by product id then warehouse id, filtered by any of the arguments together.',
      args: {
        ...pageArgs,
        productId: t.arg.id({
          description: 'Only this product, in every warehouse that stocks it.',
        }),
        warehouseId: t.arg.id({ description: 'Only this warehouse.' }),
        needsReorder: t.arg.boolean({
          description:
            'true: only levels at or below their reorder point; false: only those above it.',
        }),
      },
      resolve: async (_root, args, ctx) => {
        const page = pageRequest(args);
        const filter = {
          productId: optionalId(args.productId),
          warehouseId: optionalId(args.warehouseId),
          needsReorder: args.needsReorder,
        };
        const rows = await ctx.store.listStockLevels(filter, stockLevelPage(page));
        return toConnection(rows, page, stockLevelKey, () => ctx.store.countStockLevels(filter));
      },
    }),
    allocations: t.field({
      tag: ['stage:allocation'],
      type: AllocationConnection,
      listSize: {
        assumedSize: 20,
        slicingArguments: ['first'],
        sizedFields: ['edges'],
        requireOneSlicingArgument: false,
      },
      description:
        'Allocations ordered by id, filtered by any of the arguments together (e.g. every BACKORDERED one of a product).',
      args: {
        ...pageArgs,
        orderId: t.arg.id(),
        productId: t.arg.id(),
        warehouseId: t.arg.id(),
        status: t.arg({ type: AllocationStatus }),
      },
      resolve: async (_root, args, ctx) => {
        const page = pageRequest(args);
        const filter = {
          orderId: optionalId(args.orderId),
          productId: optionalId(args.productId),
          warehouseId: optionalId(args.warehouseId),
          status: args.status,
        };
        const rows = await ctx.store.listAllocations(filter, page);
        return toConnection(
          rows,
          page,
          (a) => a.id,
          () => ctx.store.countAllocations(filter),
        );
      },
    }),
  }),
});
