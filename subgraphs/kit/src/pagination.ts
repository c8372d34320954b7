import { badUserInput } from './errors';

/** Relay connection arguments as the graph receives them. */
export interface PageArgs {
  first?: number | null;
  after?: string | null;
}

/** What a store needs to read one page by keyset: at most `limit` rows after `afterKey`. */
export interface PageRequest {
  limit: number;
  afterKey: string | null;
}

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

export function encodeCursor(key: string): string {
  return Buffer.from(`cursor:${key}`, 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): string {
  const decoded = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!decoded.startsWith('cursor:'))
    throw badUserInput(`"after" is not a cursor this graph issued`, 'after');
  return decoded.slice('cursor:'.length);
}

/** Validates `first`/`after` into a keyset page request. */
export function pageRequest(args: PageArgs): PageRequest {
  const first = args.first ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(first) || first < 0)
    throw badUserInput(`"first" must be a non-negative integer, got ${first}`, 'first');
  if (first > MAX_PAGE_SIZE)
    throw badUserInput(`"first" must be at most ${MAX_PAGE_SIZE}, got ${first}`, 'first');
  return { limit: first, afterKey: args.after ? decodeCursor(args.after) : null };
}

export interface Connection<T> {
  edges: { cursor: string; node: T }[];
  pageInfo: {
    hasNextPage: boolean;
    hasPreviousPage: boolean;
    startCursor: string | null;
    endCursor: string | null;
  };
  totalCount: () => Promise<number>;
}

/**
 * Builds a connection from up to `limit + 1` rows read by keyset (the extra row only says
 * whether there is a next page). `totalCount` runs only if the client asks for it.
 */
export function toConnection<T>(
  rows: T[],
  request: PageRequest,
  keyOf: (row: T) => string,
  totalCount: () => Promise<number>,
): Connection<T> {
  const page = rows.slice(0, request.limit);
  const edges = page.map((node) => ({ cursor: encodeCursor(keyOf(node)), node }));
  return {
    edges,
    pageInfo: {
      hasNextPage: rows.length > request.limit,
      hasPreviousPage: request.afterKey !== null,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges[edges.length - 1]?.cursor ?? null,
    },
    totalCount,
  };
}
