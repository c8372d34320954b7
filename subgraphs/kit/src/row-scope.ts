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

/** What a row carries of each dimension; a dimension the row does not have is absent. */
export type RowDimensions = { customerIds?: string; carrierIds?: string; channels?: string };

/** Order channels row scopes name (the orders subgraph's OrderChannel). */
const ECOMMERCE_CHANNEL = 'ECOMMERCE';

/**
 * The row rules of the graph, by kind of caller: internal, portal and service callers see every
 * row; a distributor its tenant's customers; a 3pl its tenant's carriers; an ecommerce store the
 * orders of its channel (and its tenant's customers, when it has one). An unknown kind sees nothing.
 */
export function rowScopeOf(caller: Pick<CallerIdentity, 'kind' | 'tenant'>): RowScope {
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
    return value !== undefined && scope[dimension]!.includes(value);
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

/**
 * The SQL condition that keeps only the rows of `scope`, given the column holding each dimension
 * the table carries; null when nothing is restricted. A restricted dimension without a column,
 * or with no values, matches no row.
 */
export function rowScopeCondition(
  scope: RowScope | undefined,
  columns: Partial<Record<RowDimension, string>>,
): RawBuilder<boolean> | null {
  if (!scope) return null;
  const conditions = restrictedDimensions(scope).map((dimension) => {
    const column = columns[dimension];
    const values = scope[dimension]!;
    if (!column || values.length === 0) return sql<boolean>`1 = 0`;
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
