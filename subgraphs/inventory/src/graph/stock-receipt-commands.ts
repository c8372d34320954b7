import type { ReceiptLine, StockReceipt } from '../store';
import { stockReceiptRequest } from '../stock-receipt-request';
import { builder } from './builder';
import { loadWarehouseOf } from './loaders';
import { OrderRef, ProductRef } from './references';
import { WarehouseType } from './warehouse-type';

const ReceiptLineInput = builder.inputType('ReceiptLineInput', {
  description: 'Units of one product received.',
  fields: (t) => ({
    productId: t.id({
      required: true,
      description: 'A product inventory stocks (in any warehouse).',
    }),
    quantity: t.int({
      required: true,
      description: 'Units received, in the product unit of measure: 1 to 1000000.',
    }),
  }),
});

const ReceiptLineType = builder.objectRef<ReceiptLine>('ReceiptLine').implement({
  description: 'Units of one product a stock receipt added to on hand.',
  fields: (t) => ({
    product: t.field({ type: ProductRef, nullable: true, resolve: (l) => ({ id: l.productId }) }),
    quantity: t.exposeInt('quantity'),
  }),
});

const StockReceiptType = builder.objectRef<StockReceipt>('StockReceipt').implement({
  description:
    'Stock received at a warehouse (a supplier delivery or a transfer in), and the backordered orders it allocated.',
  fields: (t) => ({
    id: t.exposeID('id'),
    reference: t.exposeString('reference', {
      description: 'The ASN, packing slip or transfer number: one receipt per reference.',
    }),
    warehouse: t.field({
      type: WarehouseType,
      resolve: (r, _args, ctx) => loadWarehouseOf(ctx, r),
    }),
    lines: t.field({ type: [ReceiptLineType], resolve: (r) => r.lines }),
    receivedAt: t.field({ type: 'DateTime', resolve: (r) => r.receivedAt }),
    ordersAllocated: t.field({
      type: [OrderRef],
      nullable: true,
      description:
        'The backordered orders this receipt allocated (InventoryAllocated each), oldest backorder first.',
      resolve: (r) => r.ordersAllocated.map((id) => ({ id })),
    }),
  }),
});

builder.mutationFields((t) => ({
  receiveStock: t.field({
    tag: ['stage:allocation'],
    type: StockReceiptType,
    nullable: true,
    requiresScopes: [['inventory:write']],
    description:
      'Receives stock at a warehouse: adds each line to on hand, then in the same transaction allocates the BACKORDERED orders waiting for a received product, oldest backorder first, each only when every one of its lines can now be served whole (the allocation rule of OrderAccepted); their allocations become ALLOCATED and InventoryAllocated is announced, so the order becomes ALLOCATED and a shipment is planned. The same reference again answers the same receipt without adding stock twice; with another warehouse or other lines it is IDEMPOTENCY_KEY_REUSED. An unknown warehouse or product, a repeated product or a quantity outside 1..1000000 is BAD_USER_INPUT naming the field.',
    args: {
      warehouseId: t.arg.id({ required: true }),
      lines: t.arg({ type: [ReceiptLineInput], required: true }),
      reference: t.arg.string({
        required: true,
        description: 'The ASN, packing slip or transfer number (1..100 characters).',
      }),
    },
    resolve: async (_root, args, ctx) => {
      const { receipt, replayed } = await ctx.store.receiveStock(stockReceiptRequest(args), {
        correlationId: ctx.correlationId,
      });
      // InventoryAllocated goes out now rather than at the relay's next poll.
      if (!replayed && receipt.ordersAllocated.length) ctx.events.kick();
      return receipt;
    },
  }),
}));
