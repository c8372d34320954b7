/**
 * A small two-subgraph supergraph carrying `@tag(name: "partner")` and `@tag(name: "internal")` on
 * every kind of element a contract filters (types, fields, arguments, enum values, input fields, a
 * scalar, an interface, a union), composed as the gateway composes Switchyard's: for the contract tests.
 */
import { composeSupergraph } from '../../../supergraph-config';

const LINK =
  'extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key", "@tag", "@shareable"])';

export const ORDERS_SUBGRAPH = `${LINK}
type Query {
  order(id: ID!): Order @tag(name: "partner")
  orders(first: Int, status: OrderStatus, internalNote: String @tag(name: "internal")): [Order!]! @tag(name: "partner")
  node(id: ID!): Node @tag(name: "partner")
  margins: [Margin!]!
  search(term: String!): [SearchHit!]!
}
interface Node @tag(name: "partner") { id: ID! }
type Order implements Node @key(fields: "id") @tag(name: "partner") {
  id: ID!
  status: OrderStatus!
  costTotal: Int @tag(name: "internal")
  customer: Customer!
  margin: Margin
}
type Customer @key(fields: "id", resolvable: false) { id: ID! }
enum OrderStatus { OPEN SHIPPED INTERNAL_REVIEW @tag(name: "internal") }
type Margin { percent: Float! }
union SearchHit = Order | Margin
type Unused { x: Int @tag(name: "partner") }
type Mutation {
  placeOrder(input: PlaceOrderInput!): Order @tag(name: "partner")
  rush(input: RushInput!): Order @tag(name: "partner")
  repriceAll: Int
}
input PlaceOrderInput { customerId: ID! note: String lines: [Int!]! priority: Int @tag(name: "internal") }
input RushInput { orderId: ID! code: String! @tag(name: "internal") }
`;

export const CUSTOMERS_SUBGRAPH = `${LINK}
type Query {
  customer(id: ID!): Customer @tag(name: "partner")
  secretCustomers: [Customer!]!
  audits: [Audit!]!
}
type Customer @key(fields: "id") {
  id: ID! @tag(name: "partner")
  name: String! @tag(name: "partner")
  creditLimit: Int
}
scalar Secret @tag(name: "internal")
type Audit { secret: Secret at: String }
`;

/** The fixture composed into a supergraph SDL (Federation 2, @tag carried through). */
export function contractFixtureSupergraph(
  ordersSdl = ORDERS_SUBGRAPH,
  customersSdl = CUSTOMERS_SUBGRAPH,
): string {
  return composeSupergraph([
    { name: 'orders', url: 'http://127.0.0.1:9/orders', sdl: ordersSdl },
    { name: 'customers', url: 'http://127.0.0.1:9/customers', sdl: customersSdl },
  ]);
}
