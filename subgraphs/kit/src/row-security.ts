import { GraphQLError, type GraphQLSchema } from 'graphql';
import { applyMiddleware, type IMiddlewareFieldMap } from 'graphql-middleware';
import { allow, rule, shield, type IRules } from 'graphql-shield';
import type { SubgraphContext } from './context';
import { ErrorCode, forbiddenRow, notFound } from './errors';
import { rowVisible, type RowDimensions } from './row-scope';

/**
 * Row-level security, second layer: store queries already keep lists and relations to the
 * caller's rows (RowScope in the store filters), and reference resolvers resolve a foreign
 * representation as a missing one (rowIfVisible); these graphql-shield rules refuse a foreign row
 * wherever one still surfaces (a lookup by id, a nested link, an entity another subgraph extends).
 */

type Row = any;

/**
 * A rule for every field of a row type (the parent of its fields is the row): a row outside the
 * caller's scope answers NOT_FOUND on each field, as a row that does not exist would (no oracle of
 * which ids exist), so a nullable parent (a lookup, an `_entities` item) becomes null. Checks are
 * in memory (no cache: a lookup per field is cheaper than hashing the row).
 */
export function rowRule(typeName: string, dimensionsOf: RowDimensionsOf) {
  return rule(`row:${typeName}`, { cache: 'no_cache' })(
    (row: Row, _args, ctx: SubgraphContext<any>) => {
      const decide = (dimensions: RowDimensions) =>
        rowVisible(ctx.rowScope, dimensions) || notFound(typeName, String(row.id));
      let dimensions: RowDimensions | Promise<RowDimensions>;
      try {
        dimensions = dimensionsOf(row, ctx);
      } catch (error) {
        return new RowRuleUndecidedError(typeName, error);
      }
      // Only a dimension kept apart from the row (an order's carriers) is read, through the request's loaders.
      return dimensions instanceof Promise
        ? dimensions.then(decide, (error) => new RowRuleUndecidedError(typeName, error))
        : decide(dimensions);
    },
  );
}

/**
 * What a row carries of each dimension: from the row itself, or a promise when a dimension is kept
 * apart and has to be read (through the request's loaders, `ctx`). A read that fails denies.
 */
export type RowDimensionsOf = (
  row: Row,
  ctx: SubgraphContext<any>,
) => RowDimensions | Promise<RowDimensions>;

/**
 * For a field whose rows this subgraph cannot scope (whole-business figures; rows whose owner another
 * subgraph knows, such as allocations, which belong to orders by customer and channel): only callers
 * that see every row may read it; a row-scoped caller is FORBIDDEN, decided from its kind alone.
 */
export function everyRowRule(typeName: string) {
  return rule(`every-row:${typeName}`, { cache: 'no_cache' })(
    (_parent: unknown, _args, ctx: SubgraphContext<unknown>) =>
      ctx.rowScope === null || forbiddenRow(typeName),
  );
}

/**
 * For a command only another subgraph may send (placeOrder's reservations): FORBIDDEN unless the
 * caller is a service (its signed identity says `kind: service`). Such fields are also @inaccessible,
 * so the gateway never offers them; this holds should a consumer reach the subgraph some other way.
 */
export function assertServiceCaller(ctx: Pick<SubgraphContext<unknown>, 'caller'>): void {
  if (ctx.caller.kind !== 'service')
    throw new GraphQLError('Only another subgraph may send this command', {
      extensions: { code: ErrorCode.FORBIDDEN },
    });
}

export interface RowLookupRuleOptions<Args> {
  typeName: string;
  /** The rule's name (graphql-shield wants one per rule); default `lookup:<typeName>`. */
  name?: string;
  /**
   * The key the arguments name, exactly as the resolver's own NOT_FOUND names it; null when they
   * name none (the resolver refuses that itself).
   */
  keyOf: (args: Args) => string | null;
  /** Reads the row through the request's loaders, which the resolver then reuses (nothing is read twice). */
  load: (args: Args, ctx: SubgraphContext<any>) => Promise<Row | null | undefined>;
  dimensionsOf: RowDimensionsOf;
}

/**
 * A rule for a field that names one row by its arguments (a root lookup): a foreign row answers
 * what the resolver answers for a missing one, NOT_FOUND with the key asked for, so a row-scoped
 * caller cannot tell "not yours" from "does not exist". A missing row or absent key is left to the
 * resolver. A loader that fails denies (fail closed): its BAD_USER_INPUT passes as it is, anything
 * else becomes an undecided rule (INTERNAL_SERVER_ERROR to the caller, the cause in the log).
 */
export function rowLookupRule<Args>(options: RowLookupRuleOptions<Args>) {
  const { typeName, keyOf, load, dimensionsOf } = options;
  return rule(options.name ?? `lookup:${typeName}`, { cache: 'no_cache' })(
    async (_root: unknown, args: Args, ctx: SubgraphContext<any>) => {
      if (ctx.rowScope === null) return true;
      const key = keyOf(args);
      if (key === null) return true;
      let row: Row | null | undefined;
      let dimensions: RowDimensions | undefined;
      try {
        row = await load(args, ctx);
        if (row) dimensions = await dimensionsOf(row, ctx);
      } catch (error) {
        return isBadUserInput(error) ? error : new RowRuleUndecidedError(typeName, error);
      }
      return !row || rowVisible(ctx.rowScope, dimensions!) || notFound(typeName, key);
    },
  );
}

/**
 * A row rule whose loader failed: the field is denied. Deliberately not a GraphQLError, so the
 * subgraph server logs its cause and answers INTERNAL_SERVER_ERROR with a message that carries
 * nothing of the row.
 */
export class RowRuleUndecidedError extends Error {
  constructor(typeName: string, cause: unknown) {
    super(`The row rule of ${typeName} could not decide`, { cause });
    this.name = 'RowRuleUndecidedError';
  }
}

function isBadUserInput(error: unknown): error is GraphQLError {
  return error instanceof GraphQLError && error.extensions.code === ErrorCode.BAD_USER_INPUT;
}

/**
 * A rule for a field whose argument names a customer (customer-specific data that is not a row of
 * its own, e.g. a price for a customer): allowed without the argument, else as the customer's row.
 * Decided from the caller's tenant alone, without reading anything, so FORBIDDEN answers an id that
 * does not exist exactly as a foreign one: it tells nothing about which ids exist.
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
