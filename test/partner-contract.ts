/**
 * What the `partner` contract (gateway/governance.dev.yaml) should serve an external distributor
 * and a third-party logistics provider, as `@tag(name: "partner")` coordinates of the subgraphs:
 * their orders and lines, products with prices and availability, shipments with milestones, their
 * own invoices and payments, and the mutations they may run. Row scope (their own customer or
 * carrier) is the subgraphs' job; which mutations each may run is its scopes'; this is the shape.
 *
 * `'*'` tags the type itself (every field, from every subgraph, counts as tagged): only for types
 * whose every field is fit for partners. Otherwise the listed fields are tagged one by one.
 * Until the subgraphs carry these tags, `withPartnerTags` adds them to a composed supergraph.
 */
import { Kind, parse, print, type ConstDirectiveNode, type DefinitionNode, type FieldDefinitionNode } from 'graphql';

export const PARTNER_TAG = 'partner';

export const PARTNER_TAGS: Record<string, '*' | readonly string[]> = {
  Query: [
    'order', 'orders', 'customer', 'product', 'products', 'categories', 'priceQuote', 'warehouse', 'warehouses',
    'shipment', 'shipments', 'carriers', 'invoice', 'invoices', 'payment', 'payments',
  ],
  // issue 4: a distributor places and cancels orders (orders:write) and disputes its invoices (finance:write); a 3pl records milestones, confirms and delivers (shipments:write).
  Mutation: ['placeOrder', 'cancelOrder', 'disputeInvoice', 'recordMilestone', 'confirmShipment', 'recordDelivery'],
  // Not holds (credit-control detail) nor allocations (warehouse internals): the status says ON_HOLD / BACKORDERED.
  Order: ['id', 'number', 'status', 'channel', 'poNumber', 'customer', 'shipTo', 'placedAt', 'updatedAt', 'subtotal', 'tax', 'total', 'lines', 'lineCount', 'shipments', 'invoices'],
  OrderLine: '*',
  ShipToAddress: '*',
  OrderConnection: '*',
  OrderEdge: '*',
  PageInfo: '*',
  Money: '*',
  // Its own account: not creditLimit / creditExposure (credit control), segment, contacts or addresses (CRM).
  Customer: ['id', 'accountNumber', 'name', 'status', 'paymentTerms', 'currency', 'priceList', 'contractPrices', 'orders', 'invoices', 'payments', 'openBalance', 'aging'],
  ArAging: '*',
  PriceList: '*',
  ContractPrice: '*',
  // Not costPrice (margin data).
  Product: ['id', 'sku', 'name', 'description', 'category', 'unitOfMeasure', 'status', 'listPrice', 'quantityBreaks', 'price', 'availability', 'totalAvailable'],
  ProductConnection: '*',
  ProductEdge: '*',
  Category: '*',
  QuantityBreak: '*',
  Price: '*',
  PriceQuoteLine: '*',
  // What it can order, not the warehouse's books (onHand, allocated, reorder points).
  StockLevel: ['warehouse', 'product', 'available'],
  Warehouse: '*',
  Shipment: ['id', 'order', 'customer', 'warehouse', 'carrier', 'serviceLevel', 'trackingNumber', 'status', 'lines', 'milestones', 'lastMilestone', 'plannedAt', 'shippedAt', 'deliveredAt', 'invoice'],
  ShipmentLine: '*',
  Milestone: '*',
  Carrier: '*',
  ShipmentConnection: '*',
  ShipmentEdge: '*',
  Invoice: '*',
  InvoiceLine: '*',
  InvoiceConnection: '*',
  InvoiceEdge: '*',
  Payment: '*',
  PaymentApplication: '*',
  PaymentConnection: '*',
  PaymentEdge: '*',
};

/** The coordinates of PARTNER_TAGS: `Type` for a whole type, `Type.field` otherwise. */
export function partnerCoordinates(): string[] {
  return Object.entries(PARTNER_TAGS).flatMap(([type, fields]) => (fields === '*' ? [type] : fields.map((field) => `${type}.${field}`)));
}

const tagDirective: ConstDirectiveNode = {
  kind: Kind.DIRECTIVE,
  name: { kind: Kind.NAME, value: 'tag' },
  arguments: [{ kind: Kind.ARGUMENT, name: { kind: Kind.NAME, value: 'name' }, value: { kind: Kind.STRING, value: PARTNER_TAG } }],
};
const hasPartnerTag = (directives: readonly ConstDirectiveNode[] | undefined) =>
  (directives ?? []).some((d) => d.name.value === 'tag' && d.arguments?.some((a) => a.value.kind === Kind.STRING && a.value.value === PARTNER_TAG));
const tagged = <T extends { directives?: readonly ConstDirectiveNode[] }>(node: T): T => (hasPartnerTag(node.directives) ? node : { ...node, directives: [...(node.directives ?? []), tagDirective] });

/**
 * A composed supergraph with PARTNER_TAGS added (a coordinate already tagged is left as it is), and
 * the coordinates it does not have (mutations of issue 4 not written yet, for instance).
 */
export function withPartnerTags(supergraphSdl: string): { sdl: string; missing: string[] } {
  const found = new Set<string>();
  const definitions = parse(supergraphSdl).definitions.map((definition): DefinitionNode => {
    if (definition.kind !== Kind.OBJECT_TYPE_DEFINITION) return definition;
    const wanted = PARTNER_TAGS[definition.name.value];
    if (!wanted) return definition;
    if (wanted === '*') {
      found.add(definition.name.value);
      return tagged(definition);
    }
    const fields = definition.fields?.map((field): FieldDefinitionNode => {
      if (!wanted.includes(field.name.value)) return field;
      found.add(`${definition.name.value}.${field.name.value}`);
      return tagged(field);
    });
    return { ...definition, fields };
  });
  return { sdl: print({ kind: Kind.DOCUMENT, definitions }), missing: partnerCoordinates().filter((coordinate) => !found.has(coordinate)) };
}
