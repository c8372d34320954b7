import { badUserInput, PARTNER_TAG, requestNow } from '@switchyard/kit';
import type { CommandContext } from '../store';
import { builder, type Context } from './builder';
import { MilestoneCode } from './enums';
import { ShipmentType } from './shipment-types';

/** How far ahead of this server's clock a reported instant may be (the reporter's clock skew), in ms. */
const CLOCK_SKEW_MS = 5 * 60_000;
/** Carriers' tracking numbers: letters, digits and dashes (1Z4W7..., FF1234..., 7...). */
const TRACKING_NUMBER = /^[A-Za-z0-9-]{4,40}$/;

const commandOf = (ctx: Context): CommandContext => ({
  correlationId: ctx.correlationId,
  callerId: ctx.caller.id,
  scope: ctx.rowScope,
});

/** An instant the caller reports, now by default; one in the future (beyond the skew) is BAD_USER_INPUT naming it. */
function reportedInstant(ctx: Context, value: string | null | undefined, argument: string): string {
  const at = value ?? requestNow(ctx);
  if (Date.parse(at) > Date.now() + CLOCK_SKEW_MS)
    throw badUserInput(`${argument} (${at}) is in the future`, argument);
  return at;
}

/** Trimmed text of 1..max characters, or BAD_USER_INPUT naming the argument. */
function text(value: string, argument: string, max: number): string {
  const trimmed = value.trim();
  if (trimmed.length === 0 || trimmed.length > max)
    throw badUserInput(`${argument} must hold 1 to ${max} characters`, argument);
  return trimmed;
}

const optionalText = (value: string | null | undefined, argument: string, max: number) =>
  value == null ? null : text(value, argument, max);

/** The warehouse and carrier commands; each answers the shipment as it is after the command. */
builder.mutationType({
  description:
    'Commands on shipments: each checks the caller may act on the shipment and that its status allows the step, then writes it, its milestone and its event in one transaction.',
  fields: (t) => ({
    recordMilestone: t.field({
      tag: ['stage:fulfillment', PARTNER_TAG],
      type: ShipmentType,
      nullable: true,
      requiresScopes: [['shipments:write']],
      description:
        "Records a warehouse or carrier milestone: PICKED (from PLANNED), PACKED (from PICKED), IN_TRANSIT (a carrier scan of a SHIPPED shipment, as often as it is scanned). SHIPPED is confirmShipment's, DELIVERED recordDelivery's, PLANNED the planner's; any other step, or any step of a CANCELLED shipment, is INVALID_STATE_TRANSITION (extensions: from, to). Announces MilestoneRecorded. A 3pl acts only on its carriers' shipments (another's is NOT_FOUND, as an unknown one).",
      args: {
        shipmentId: t.arg.id({ required: true }),
        code: t.arg({ type: MilestoneCode, required: true }),
        at: t.arg({
          type: 'DateTime',
          description:
            'When it happened (default now); not in the future, not before the shipment was planned.',
        }),
        location: t.arg.string({
          required: true,
          description: 'Where it happened: a warehouse, a carrier facility (1..200 characters).',
        }),
        note: t.arg.string({ description: 'At most 500 characters.' }),
      },
      resolve: async (_root, args, ctx) => {
        const milestone = {
          shipmentId: String(args.shipmentId),
          code: args.code,
          at: reportedInstant(ctx, args.at, 'at'),
          location: text(args.location, 'location', 200),
          note: optionalText(args.note, 'note', 500),
        };
        const shipment = await ctx.store.recordMilestone(milestone, commandOf(ctx));
        ctx.events.kick();
        return shipment;
      },
    }),
    confirmShipment: t.field({
      tag: ['stage:fulfillment', PARTNER_TAG],
      type: ShipmentType,
      nullable: true,
      requiresScopes: [['shipments:write']],
      description:
        "The carrier took the shipment: PACKED -> SHIPPED with its tracking number and a SHIPPED milestone (from any other status, confirming twice included: INVALID_STATE_TRANSITION). A tracking number another shipment holds is BAD_USER_INPUT. Announces ShipmentConfirmed with the shipped lines (inventory consumes the stock, finance invoices). A 3pl acts only on its carriers' shipments (another's is NOT_FOUND, as an unknown one).",
      args: {
        shipmentId: t.arg.id({ required: true }),
        trackingNumber: t.arg.string({
          required: true,
          description: "The carrier's tracking number: 4..40 letters, digits or dashes, unique.",
        }),
        shippedAt: t.arg({
          type: 'DateTime',
          description:
            'When it left (default now); not in the future, not before the shipment was planned.',
        }),
      },
      resolve: async (_root, args, ctx) => {
        const trackingNumber = args.trackingNumber.trim();
        if (!TRACKING_NUMBER.test(trackingNumber))
          throw badUserInput(
            'trackingNumber must be 4 to 40 letters, digits or dashes',
            'trackingNumber',
          );
        const confirmation = {
          shipmentId: String(args.shipmentId),
          trackingNumber,
          shippedAt: reportedInstant(ctx, args.shippedAt, 'shippedAt'),
        };
        const shipment = await ctx.store.confirmShipment(confirmation, commandOf(ctx));
        ctx.events.kick();
        return shipment;
      },
    }),
    recordDelivery: t.field({
      tag: ['stage:fulfillment', PARTNER_TAG],
      type: ShipmentType,
      nullable: true,
      requiresScopes: [['shipments:write']],
      description:
        "The consignee received the shipment: SHIPPED -> DELIVERED with a DELIVERED milestone (from any other status: INVALID_STATE_TRANSITION). Announces ShipmentDelivered. A 3pl acts only on its carriers' shipments (another's is NOT_FOUND, as an unknown one).",
      args: {
        shipmentId: t.arg.id({ required: true }),
        deliveredAt: t.arg({
          type: 'DateTime',
          description: 'When (default now); not in the future, not before it shipped.',
        }),
        receivedBy: t.arg.string({ description: 'Who signed for it (1..200 characters).' }),
      },
      resolve: async (_root, args, ctx) => {
        const delivery = {
          shipmentId: String(args.shipmentId),
          deliveredAt: reportedInstant(ctx, args.deliveredAt, 'deliveredAt'),
          receivedBy: optionalText(args.receivedBy, 'receivedBy', 200),
        };
        const shipment = await ctx.store.recordDelivery(delivery, commandOf(ctx));
        ctx.events.kick();
        return shipment;
      },
    }),
  }),
});
