import { alignByKey, groupByKey, type PageRequest } from '@switchyard/kit';
import { agingCutoffs } from '../aging';
import type {
  AgedReceivables,
  CreditMemo,
  DisputeResolution,
  Invoice,
  InvoiceSettlement,
  InvoiceFilter,
  InvoiceLine,
  Payment,
  PaymentApplication,
  PaymentFilter,
  TaxRate,
  ReservedCredit,
  UninvoicedOrders,
} from '../store';
import type { Context } from './builder';

/** Per-request DataLoaders: one SQL statement per kind of lookup, however many parents ask. */

export const invoiceLoader = (ctx: Context) =>
  ctx.loaders.get<string, Invoice | null>('invoice', async (ids) =>
    alignByKey(ids, await ctx.store.invoicesByIds(ids), (i) => i.id),
  );

export const invoiceByNumberLoader = (ctx: Context) =>
  ctx.loaders.get<string, Invoice | null>('invoiceByNumber', async (numbers) =>
    alignByKey(numbers, await ctx.store.invoicesByNumbers(numbers), (i) => i.number),
  );

export const invoicesOfOrderLoader = (ctx: Context) =>
  ctx.loaders.get<string, Invoice[]>('invoicesOfOrder', async (orderIds) =>
    groupByKey(
      orderIds,
      await ctx.store.invoicesByOrderIds(orderIds, ctx.rowScope),
      (i) => i.orderId,
    ),
  );

export const invoiceOfShipmentLoader = (ctx: Context) =>
  ctx.loaders.get<string, Invoice | null>('invoiceOfShipment', async (shipmentIds) =>
    alignByKey(
      shipmentIds,
      await ctx.store.invoicesByShipmentIds(shipmentIds, ctx.rowScope),
      (i) => i.shipmentId,
    ),
  );

export const invoiceLinesLoader = (ctx: Context) =>
  ctx.loaders.get<string, InvoiceLine[]>('invoiceLines', async (invoiceIds) =>
    groupByKey(invoiceIds, await ctx.store.linesByInvoiceIds(invoiceIds), (l) => l.invoiceId),
  );

export const paymentLoader = (ctx: Context) =>
  ctx.loaders.get<string, Payment | null>('payment', async (ids) =>
    alignByKey(ids, await ctx.store.paymentsByIds(ids), (p) => p.id),
  );

export const applicationsOfInvoiceLoader = (ctx: Context) =>
  ctx.loaders.get<string, PaymentApplication[]>('applicationsOfInvoice', async (invoiceIds) =>
    groupByKey(
      invoiceIds,
      await ctx.store.applicationsByInvoiceIds(invoiceIds),
      (a) => a.invoiceId,
    ),
  );

/** Paid and credited per invoice, in one statement: what balances need (no settlement yet: zeros). */
export const invoiceSettlementLoader = (ctx: Context) =>
  ctx.loaders.get<string, InvoiceSettlement>('invoiceSettlement', async (invoiceIds) => {
    const found = new Map(
      (await ctx.store.invoiceSettlements(invoiceIds)).map((s) => [s.invoiceId, s]),
    );
    return invoiceIds.map(
      (invoiceId) => found.get(invoiceId) ?? { invoiceId, paidCents: 0, creditedCents: 0 },
    );
  });

export const creditMemosOfInvoiceLoader = (ctx: Context) =>
  ctx.loaders.get<string, CreditMemo[]>('creditMemosOfInvoice', async (invoiceIds) =>
    groupByKey(invoiceIds, await ctx.store.creditMemosByInvoiceIds(invoiceIds), (c) => c.invoiceId),
  );

export const disputeResolutionsOfInvoiceLoader = (ctx: Context) =>
  ctx.loaders.get<string, DisputeResolution[]>('disputeResolutionsOfInvoice', async (invoiceIds) =>
    groupByKey(
      invoiceIds,
      await ctx.store.disputeResolutionsByInvoiceIds(invoiceIds),
      (r) => r.invoiceId,
    ),
  );

export const applicationsOfPaymentLoader = (ctx: Context) =>
  ctx.loaders.get<string, PaymentApplication[]>('applicationsOfPayment', async (paymentIds) =>
    groupByKey(
      paymentIds,
      await ctx.store.applicationsByPaymentIds(paymentIds),
      (a) => a.paymentId,
    ),
  );

/**
 * A page of invoices (payments) per customer. Loaders are keyed by customer id, so there is one
 * loader per distinct filter and page: the usual case (many customers, same arguments) is one statement.
 */
export const customerInvoicesLoader = (ctx: Context, filter: InvoiceFilter, page: PageRequest) =>
  ctx.loaders.get<string, Invoice[]>(
    `customerInvoices:${JSON.stringify([filter, page])}`,
    async (customerIds) =>
      groupByKey(
        customerIds,
        await ctx.store.invoicesPerCustomer(customerIds, filter, page),
        (i) => i.customerId,
      ),
  );

export const customerInvoiceCountLoader = (ctx: Context, filter: InvoiceFilter) =>
  ctx.loaders.get<string, number>(
    `customerInvoiceCount:${JSON.stringify(filter)}`,
    async (customerIds) => {
      const counts = await ctx.store.countInvoicesPerCustomer(customerIds, filter);
      return customerIds.map((id) => counts.get(id) ?? 0);
    },
  );

export const customerPaymentsLoader = (ctx: Context, filter: PaymentFilter, page: PageRequest) =>
  ctx.loaders.get<string, Payment[]>(
    `customerPayments:${JSON.stringify([filter, page])}`,
    async (customerIds) =>
      groupByKey(
        customerIds,
        await ctx.store.paymentsPerCustomer(customerIds, filter, page),
        (p) => p.customerId,
      ),
  );

export const customerPaymentCountLoader = (ctx: Context, filter: PaymentFilter) =>
  ctx.loaders.get<string, number>(
    `customerPaymentCount:${JSON.stringify(filter)}`,
    async (customerIds) => {
      const counts = await ctx.store.countPaymentsPerCustomer(customerIds, filter);
      return customerIds.map((id) => counts.get(id) ?? 0);
    },
  );

/** Each customer's open receivables aged as of `asOf`: one grouped statement per distinct instant. */
export const agedReceivablesLoader = (ctx: Context, asOf: string) =>
  ctx.loaders.get<string, AgedReceivables[]>(`agedReceivables:${asOf}`, async (customerIds) =>
    groupByKey(
      customerIds,
      await ctx.store.agedReceivables(customerIds, agingCutoffs(asOf)),
      (r) => r.customerId,
    ),
  );

export const uninvoicedOrdersLoader = (ctx: Context) =>
  ctx.loaders.get<string, UninvoicedOrders[]>('uninvoicedOrders', async (customerIds) =>
    groupByKey(customerIds, await ctx.store.uninvoicedOrders(customerIds), (o) => o.customerId),
  );

export const reservedCreditLoader = (ctx: Context) =>
  ctx.loaders.get<string, ReservedCredit[]>('reservedCredit', async (customerIds) =>
    groupByKey(customerIds, await ctx.store.reservedCredit(customerIds), (r) => r.customerId),
  );

export const taxRateLoader = (ctx: Context) =>
  ctx.loaders.get<string, TaxRate | null>('taxRate', async (regions) =>
    alignByKey(regions, await ctx.store.taxRatesByRegions(regions), (r) => r.region),
  );
