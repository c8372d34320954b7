import { alignByKey, groupByKey } from '@switchyard/kit';
import type {
  Carrier,
  Milestone,
  Shipment,
  ShipmentHealth,
  ShipmentLine,
  TimeWindow,
} from '../store';
import type { Context } from './builder';

/** Per-request DataLoaders: one SQL statement per kind of lookup, however many parents ask. */

export const shipmentLoader = (ctx: Context) =>
  ctx.loaders.get<string, Shipment | null>('shipment', async (ids) =>
    alignByKey(ids, await ctx.store.shipmentsByIds(ids), (s) => s.id),
  );

export const shipmentByTrackingNumberLoader = (ctx: Context) =>
  ctx.loaders.get<string, Shipment | null>('shipmentByTrackingNumber', async (numbers) =>
    alignByKey(
      numbers,
      await ctx.store.shipmentsByTrackingNumbers(numbers),
      (s) => s.trackingNumber ?? '',
    ),
  );

export const shipmentsOfOrderLoader = (ctx: Context) =>
  ctx.loaders.get<string, Shipment[]>('shipmentsOfOrder', async (orderIds) =>
    groupByKey(
      orderIds,
      await ctx.store.shipmentsByOrderIds(orderIds, ctx.rowScope),
      (s) => s.orderId,
    ),
  );

export const shipmentLinesLoader = (ctx: Context) =>
  ctx.loaders.get<string, ShipmentLine[]>('shipmentLines', async (ids) =>
    groupByKey(ids, await ctx.store.linesByShipmentIds(ids), (l) => l.shipmentId),
  );

export const milestonesLoader = (ctx: Context) =>
  ctx.loaders.get<string, Milestone[]>('milestones', async (ids) =>
    groupByKey(ids, await ctx.store.milestonesByShipmentIds(ids), (m) => m.shipmentId),
  );

export const carrierLoader = (ctx: Context) =>
  ctx.loaders.get<string, Carrier | null>('carrier', async (ids) =>
    alignByKey(ids, await ctx.store.carriersByIds(ids), (c) => c.id),
  );

/** Business health's shipment measures, one read per window (a JSON TimeWindow key) however many fields ask. */
export const shipmentHealthLoader = (ctx: Context) =>
  ctx.loaders.get<string, ShipmentHealth>('shipmentHealth', (keys) =>
    Promise.all(keys.map((key) => ctx.store.shipmentHealth(JSON.parse(key) as TimeWindow))),
  );
