import type { GraphQLSchema } from 'graphql';
import { applyMiddleware, type IMiddlewareFieldMap } from 'graphql-middleware';
import { allow, rule, shield, type IRules } from 'graphql-shield';
import type { SubgraphContext } from './context';
import { forbiddenRow } from './errors';
import { rowVisible, type RowDimensions } from './row-scope';

/**
 * Row-level security, second layer: store queries already keep lists and relations to the
 * caller's rows (RowScope in the store filters); these graphql-shield rules refuse a foreign row
 * wherever one still surfaces (a lookup by id, an `_entities` representation, a nested link).
 */

type Row = any;

/**
 * A rule for every field of a row type (the parent of its fields is the row): a row outside the
 * caller's scope answers FORBIDDEN on each field, so a nullable parent (a lookup, an `_entities`
 * item) becomes null. Checks are in memory (no cache: a lookup per field is cheaper than hashing the row).
 */
export function rowRule(typeName: string, dimensionsOf: (row: Row) => RowDimensions) {
  return rule(`row:${typeName}`, { cache: 'no_cache' })(
    (row: Row, _args, ctx: SubgraphContext<unknown>) =>
      rowVisible(ctx.rowScope, dimensionsOf(row)) || forbiddenRow(typeName),
  );
}

/**
 * A rule for a root lookup: loads the row (through the request's loaders, which the resolver
 * then reuses, so nothing is read twice) and refuses a foreign one with one FORBIDDEN at the
 * lookup's path. A missing row or bad arguments are left to the resolver's own error.
 */
export function rowLookupRule<Args>(
  typeName: string,
  load: (args: Args, ctx: SubgraphContext<any>) => Promise<Row | null | undefined>,
  dimensionsOf: (row: Row) => RowDimensions,
) {
  return rule(`lookup:${typeName}`, { cache: 'no_cache' })(
    async (_root: unknown, args: Args, ctx: SubgraphContext<any>) => {
      if (ctx.rowScope === null) return true;
      let row: Row | null | undefined;
      try {
        row = await load(args, ctx);
      } catch {
        return true;
      }
      return !row || rowVisible(ctx.rowScope, dimensionsOf(row)) || forbiddenRow(typeName);
    },
  );
}

/**
 * A rule for a field whose argument names a customer (customer-specific data that is not a row of
 * its own, e.g. a price for a customer): allowed without the argument, else as the customer's row.
 */
export function customerArgumentRule(typeName: string, argument: string) {
  return rule(`argument:${typeName}.${argument}`, { cache: 'no_cache' })(
    (_parent: unknown, args: Record<string, unknown>, ctx: SubgraphContext<unknown>) => {
      const customerId = args[argument];
      return (
        customerId == null ||
        rowVisible(ctx.rowScope, { customerIds: String(customerId) }) ||
        forbiddenRow('Customer')
      );
    },
  );
}

/**
 * Applies the rules to the schema (graphql-middleware). graphql-shield wraps every field of every
 * type with its fallback rule; only the fields a rule names keep their wrapper, so the rest of the
 * schema resolves exactly as before (no promise per scalar field). Resolver errors pass through.
 */
export function withRowSecurity(schema: GraphQLSchema, rules: IRules): GraphQLSchema {
  const everyField = shield(rules, { allowExternalErrors: true, fallbackRule: allow }).generate(
    schema,
  ) as IMiddlewareFieldMap;
  const ruledFields: IMiddlewareFieldMap = {};
  for (const [typeName, typeRules] of Object.entries(rules as Record<string, unknown>)) {
    const wrapped = everyField[typeName] as Record<string, unknown>;
    ruledFields[typeName] = isFieldMap(typeRules)
      ? (Object.fromEntries(
          Object.keys(typeRules).map((field) => [field, wrapped[field]]),
        ) as never)
      : (wrapped as never);
  }
  return applyMiddleware(schema, ruledFields);
}

function isFieldMap(rules: unknown): rules is Record<string, unknown> {
  return (
    typeof rules === 'object' && rules !== null && Object.getPrototypeOf(rules) === Object.prototype
  );
}
