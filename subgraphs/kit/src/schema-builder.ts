import SchemaBuilder from '@pothos/core';
import DirectivesPlugin from '@pothos/plugin-directives';
import FederationPlugin from '@pothos/plugin-federation';
import { GraphQLError, Kind } from 'graphql';
import { PARTNER_TAG } from './contract-tags';
import type { LengthDirective } from './input-limits';
import { formatCents, type Money } from './money';
import type { Connection } from './pagination';

/** Scopes that `@requiresScopes` may name across the graph. */
export type Scope = string;

/**
 * A Pothos builder with the plugins and the shared vocabulary every subgraph uses:
 * the `DateTime` scalar, `Money`, `PageInfo`, Relay connections and the `first`/`after` arguments.
 * Money and PageInfo carry the partner tag in every subgraph: value types fit for any contract.
 */
export function createSubgraphBuilder<Context extends object>() {
  const builder = new SchemaBuilder<{
    Context: Context;
    Scalars: { DateTime: { Input: string; Output: string } };
    FederationScopes: Scope;
    Directives: { length: LengthDirective };
    DefaultFieldNullability: false;
  }>({ plugins: [DirectivesPlugin, FederationPlugin], defaultFieldNullability: false });

  builder.scalarType('DateTime', {
    description: 'An instant as an ISO-8601 string in UTC, e.g. 2026-11-01T08:30:00.000Z',
    serialize: (value) => String(value),
    parseValue: (value) => parseDateTime(value),
    parseLiteral: (ast) => parseDateTime(ast.kind === Kind.STRING ? ast.value : undefined),
  });

  const MoneyType = builder.objectRef<Money>('Money').implement({
    description:
      'An amount of money: a decimal string in major units (never a float) and its ISO-4217 currency.',
    shareable: true,
    tag: PARTNER_TAG,
    fields: (t) => ({
      amount: t.string({ resolve: (m) => formatCents(m.cents) }),
      currency: t.exposeString('currency'),
    }),
  });

  const PageInfo = builder.objectRef<Connection<unknown>['pageInfo']>('PageInfo').implement({
    shareable: true,
    tag: PARTNER_TAG,
    fields: (t) => ({
      hasNextPage: t.exposeBoolean('hasNextPage'),
      hasPreviousPage: t.exposeBoolean('hasPreviousPage'),
      startCursor: t.exposeString('startCursor', { nullable: true }),
      endCursor: t.exposeString('endCursor', { nullable: true }),
    }),
  });

  /** `XConnection` and `XEdge` for a node type; `tag` goes on both types (e.g. PARTNER_TAG when the node is in the partner contract). */
  function connectionType<T>(
    name: string,
    node: Parameters<typeof builder.objectRef<T>>[0] | any,
    options: { tag?: string | string[] } = {},
  ) {
    const Edge = builder.objectRef<{ cursor: string; node: T }>(`${name}Edge`).implement({
      tag: options.tag,
      fields: (t) => ({
        cursor: t.exposeString('cursor'),
        node: t.field({ type: node, resolve: (edge) => edge.node as any }),
      }),
    });
    return builder.objectRef<Connection<T>>(`${name}Connection`).implement({
      tag: options.tag,
      fields: (t) => ({
        edges: t.field({ type: [Edge], resolve: (c) => c.edges }),
        pageInfo: t.field({ type: PageInfo, resolve: (c) => c.pageInfo }),
        totalCount: t.int({ resolve: (c) => c.totalCount() }),
      }),
    });
  }

  /** The Relay arguments every connection field takes. */
  const pageArgs = builder.args((t) => ({
    first: t.int({ description: 'How many to return (0..100, default 20).' }),
    after: t.string({ description: 'The endCursor of the previous page.' }),
  }));

  return { builder, Money: MoneyType, PageInfo, connectionType, pageArgs };
}

/** The builder createSubgraphBuilder makes, for kit functions that add shared types or fields to it. */
export type SubgraphBuilder<Context extends object> = ReturnType<
  typeof createSubgraphBuilder<Context>
>['builder'];

function parseDateTime(value: unknown): string {
  if (typeof value !== 'string' || Number.isNaN(Date.parse(value))) {
    throw new GraphQLError('DateTime must be an ISO-8601 string', {
      extensions: { code: 'BAD_USER_INPUT' },
    });
  }
  return new Date(value).toISOString();
}
