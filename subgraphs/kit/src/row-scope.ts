import { sql, type RawBuilder } from 'kysely';
import type { CallerIdentity } from './identity-header';

/**
 * The rows a caller may see, as store filters receive it: every dimension present restricts
 * (rows must match one of its values); null sees every row. A row that does not carry a
 * restricted dimension is not visible (fail closed): a 3pl, restricted by carrier, sees no
 * invoices, because an invoice has no carrier.
 */
export type RowScope = {
  customerIds?: string[];
  carrierIds?: string[];
  channels?: string[];
} | null;

export type RowDimension = keyof NonNullable<RowScope>;

/**
 * What a row carries of each dimension; a dimension the row does not have is absent. A list is a row
 * that carries several values of one dimension (an order shipped by two carriers): it matches when
 * one of them does.
 */
export type RowDimensions = {
  customerIds?: string | readonly string[];
  carrierIds?: string | readonly string[];
  channels?: string | readonly string[];
};

/** Order channels row scopes name (the orders subgraph's OrderChannel). */
const ECOMMERCE_CHANNEL = 'ECOMMERCE';

/**
 * The row rules of the graph, by kind of caller: internal, portal and service callers see every
 * row; a distributor its tenant's customers; a 3pl its tenant's carriers; an ecommerce store the
 * orders of its channel (and its tenant's customers, when it has one). An unknown kind sees nothing.
 */
export function rowScopeOf(
  caller: Pick<CallerIdentity, 'kind' | 'tenant' | 'endUserCustomerId'>,
): RowScope {
  const scope = scopeOfKind(caller);
  return caller.endUserCustomerId === undefined
    ? scope
    : endUserScope(scope, caller.endUserCustomerId);
}

/**
 * The rows of a signed-in end user: its customer's, as a distributor's tenant. The customer replaces
 * the store's channel (a buyer sees its whole account: orders of every channel, its customer record,
 * invoices and payments), but never widens the consumer: a tenant's customers still bound it (a
 * customer outside them sees nothing), and a carrier restriction stays.
 */
function endUserScope(scope: RowScope, customerId: string): NonNullable<RowScope> {
  const customerIds = scope?.customerIds
    ? scope.customerIds.filter((id) => id === customerId)
    : [customerId];
  return scope?.carrierIds ? { customerIds, carrierIds: scope.carrierIds } : { customerIds };
}

function scopeOfKind(caller: Pick<CallerIdentity, 'kind' | 'tenant'>): RowScope {
  switch (caller.kind) {
    case 'internal':
    case 'portal':
    case 'service':
      return null;
    case 'distributor':
      return { customerIds: idsOf(caller.tenant?.customerIds) };
    case '3pl':
      return { carrierIds: idsOf(caller.tenant?.carrierIds) };
    case 'ecommerce':
      return caller.tenant
        ? { channels: [ECOMMERCE_CHANNEL], customerIds: idsOf(caller.tenant.customerIds) }
        : { channels: [ECOMMERCE_CHANNEL] };
    default:
      return { customerIds: [] };
  }
}

/** Whether `scope` lets the caller see a row carrying `row`. */
export function rowVisible(scope: RowScope, row: RowDimensions): boolean {
  if (scope === null) return true;
  return restrictedDimensions(scope).every((dimension) => {
    const value = row[dimension];
    const allowed = scope[dimension]!;
    if (value === undefined) return false;
    return typeof value === 'string'
      ? allowed.includes(value)
      : value.some((one) => allowed.includes(one));
  });
}

/**
 * `row` when `scope` lets the caller see it, else null: what a reference resolver answers, so that
 * a foreign `_entities` representation looks exactly like one that does not exist.
 */
export function rowIfVisible<Row>(
  scope: RowScope,
  row: Row | null | undefined,
  dimensionsOf: (row: Row) => RowDimensions,
): Row | null {
  return row && rowVisible(scope, dimensionsOf(row)) ? row : null;
}

/** rowIfVisible for rows whose dimensions may have to be read (an order's carriers). */
export async function rowIfVisibleAsync<Row>(
  scope: RowScope,
  row: Row | null | undefined,
  dimensionsOf: (row: Row) => RowDimensions | Promise<RowDimensions>,
): Promise<Row | null> {
  return row && rowVisible(scope, await dimensionsOf(row)) ? row : null;
}

/**
 * Where a table keeps a dimension: a column of the row, or a condition over the allowed values (a
 * dimension held in another table: `exists (select ... where carrier_id in (values))`).
 */
export type RowDimensionColumn = string | ((values: string[]) => RawBuilder<boolean>);

/**
 * The SQL condition that keeps only the rows of `scope`, given where the table keeps each dimension
 * it carries (a column, or a condition over another table); null when nothing is restricted. A restricted dimension without a column,
 * or with no values, matches no row.
 */
export function rowScopeCondition(
  scope: RowScope | undefined,
  columns: Partial<Record<RowDimension, RowDimensionColumn>>,
): RawBuilder<boolean> | null {
  if (!scope) return null;
  const conditions = restrictedDimensions(scope).map((dimension) => {
    const column = columns[dimension];
    const values = scope[dimension]!;
    if (!column || values.length === 0) return sql<boolean>`1 = 0`;
    if (typeof column === 'function') return column(values);
    return sql<boolean>`${sql.ref(column)} in (${sql.join(values)})`;
  });
  if (conditions.length === 0) return null;
  return sql<boolean>`(${sql.join(conditions, sql` and `)})`;
}

/** A tenant list as signed, or none at all when it is not a list of ids. */
function idsOf(ids: unknown): string[] {
  return Array.isArray(ids) ? ids.filter((id): id is string => typeof id === 'string') : [];
}

function restrictedDimensions(scope: NonNullable<RowScope>): RowDimension[] {
  return (Object.keys(scope) as RowDimension[]).filter(
    (dimension) => scope[dimension] !== undefined,
  );
}
