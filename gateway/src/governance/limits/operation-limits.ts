/**
 * Operation limits: how large one operation may be, per the consumer's rate tier: depth, aliases,
 * root fields, lexer tokens, and cost (operation-cost.ts). Tokens are counted before parsing, so
 * an oversized document is refused before the parser spends time on it; the rest is measured on
 * the parsed and validated operation, cached per document, and checked before planning. The cost
 * is left in `context.governance.cost` for the cost budgets (rate-budgets/rate-budget.ts) and usage.
 */
import type { GraphQLRequestContextDidResolveOperation } from '@apollo/server';
import {
  Kind,
  Lexer,
  Source,
  TokenKind,
  type DocumentNode,
  type FragmentDefinitionNode,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import { LRUCache } from 'lru-cache';
import type { GatewayContext } from '../../context';
import type { SupergraphSource } from '../../supergraph-manager';
import { GovernanceCode, GovernanceError } from '../errors';
import type { GovernanceModule } from '../module';
import { OperationCache } from '../operation-cache';
import {
  COST_DEFAULTS,
  costVariablesOf,
  operationCost,
  type CostDirectives,
} from './operation-cost';

/** The most one operation may be, per measure; an absent measure is not limited. */
export interface TierLimits {
  /** Nesting of fields (a root field is depth 1). */
  depth?: number;
  /** Fields selected under an alias. */
  aliases?: number;
  /** Fields at the root of the operation (fragments expanded). */
  rootFields?: number;
  /** Lexer tokens of the whole document (punctuators, names, values; not comments). */
  tokens?: number;
  /** Static cost from @cost/@listSize (operation-cost.ts). */
  cost?: number;
}

export type OperationLimit = keyof TierLimits;

export interface OperationLimitsOptions {
  /** Limits per rate tier (the consumer's `tier`). A consumer whose tier is not listed, or no consumer, is not limited (its cost is still computed). */
  tiers: Record<string, TierLimits>;
  /** Size of a list with neither a slicing argument nor @listSize(assumedSize). Default 20. */
  defaultListSize?: number;
  /** The least a mutation's root field costs. Default 10. */
  mutationWeight?: number;
  /** How many costs that depend on variables (per operation and values) are kept. Default 5000. */
  cacheSize?: number;
}

export interface OperationLimitsDeps {
  supergraph: SupergraphSource;
}

export const OPERATION_LIMITS_DEFAULTS = { ...COST_DEFAULTS, cacheSize: 5_000 } as const;

/** Depth, aliases and root fields of one operation, fragments expanded. */
export interface OperationShape {
  depth: number;
  aliases: number;
  rootFields: number;
}

/** Introspection is answered by the gateway itself, whatever its nesting: not counted in depth. */
const INTROSPECTION_ROOTS = new Set(['__schema', '__type']);

/**
 * Measures `operation` of `document`. Each fragment is measured once and reused, so a document that
 * spreads fragments into fragments costs linear work to measure while its counts report the expansion.
 */
export function operationShape(
  document: DocumentNode,
  operation: OperationDefinitionNode,
): OperationShape {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions)
    if (definition.kind === Kind.FRAGMENT_DEFINITION)
      fragments.set(definition.name.value, definition);
  const measured = new Map<string, { depth: number; aliases: number; fields: number }>();
  const inProgress = new Set<string>();

  /** depth: deepest field nesting; aliases: every aliased field below; fields: fields at this level. */
  function measure(selectionSet: SelectionSetNode): {
    depth: number;
    aliases: number;
    fields: number;
  } {
    const total = { depth: 0, aliases: 0, fields: 0 };
    const spread = new Set<string>();
    for (const selection of selectionSet.selections) {
      let part: { depth: number; aliases: number; fields: number };
      if (selection.kind === Kind.FIELD) {
        const below = selection.selectionSet
          ? measure(selection.selectionSet)
          : { depth: 0, aliases: 0, fields: 0 };
        part = {
          depth: INTROSPECTION_ROOTS.has(selection.name.value) ? 0 : 1 + below.depth,
          aliases: (selection.alias ? 1 : 0) + below.aliases,
          fields: 1,
        };
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        part = measure(selection.selectionSet);
      } else {
        const name = selection.name.value;
        const fragment = fragments.get(name);
        // Spread twice in one selection set is merged by execution; a cycle is invalid (validation refused it already).
        if (!fragment || spread.has(name) || inProgress.has(name)) continue;
        spread.add(name);
        let cached = measured.get(name);
        if (!cached) {
          inProgress.add(name);
          cached = measure(fragment.selectionSet);
          inProgress.delete(name);
          measured.set(name, cached);
        }
        part = cached;
      }
      total.depth = Math.max(total.depth, part.depth);
      total.aliases += part.aliases;
      total.fields += part.fields;
    }
    return total;
  }

  const root = measure(operation.selectionSet);
  return { depth: root.depth, aliases: root.aliases, rootFields: root.fields };
}

/** Lexer tokens of a document, as graphql-js's parser counts them for its `maxTokens`; a lexing error ends the count (the parser reports it). */
export function countTokens(source: string): number {
  const lexer = new Lexer(new Source(source));
  let tokens = 0;
  try {
    while (lexer.advance().kind !== TokenKind.EOF) tokens++;
  } catch {
    // A syntax error: the parser will refuse the document with GRAPHQL_PARSE_FAILED.
  }
  return tokens;
}

/** What is measured once per document and operation. */
interface OperationAnalysis extends OperationShape {
  tokens: number;
  /** Variables whose values change the cost; the cost is cached per their values. */
  costVariables: string[];
  /** The cost, when no variable changes it. */
  fixedCost: number | null;
}

export type OperationLimitsModule = GovernanceModule & {
  /** The cost of an operation, as the module computes it (for tests and the usage reports). */
  costOf(
    document: DocumentNode,
    operation: OperationDefinitionNode,
    variables?: Record<string, unknown>,
  ): number;
};

export function createOperationLimitsModule(
  options: OperationLimitsOptions,
  deps: OperationLimitsDeps,
): OperationLimitsModule {
  for (const [tier, limits] of Object.entries(options.tiers)) {
    for (const [limit, max] of Object.entries(limits)) {
      if (max !== undefined && (!Number.isInteger(max) || max < 0))
        throw new Error(`limits.tiers.${tier}.${limit} must be a whole number ≥ 0, got ${max}`);
    }
  }
  const costOptions = {
    defaultListSize: options.defaultListSize ?? OPERATION_LIMITS_DEFAULTS.defaultListSize,
    mutationWeight: options.mutationWeight ?? OPERATION_LIMITS_DEFAULTS.mutationWeight,
  };
  const cacheSize = options.cacheSize ?? OPERATION_LIMITS_DEFAULTS.cacheSize;

  // The supergraph's directive index: replaced, and every cached figure dropped, when it is swapped.
  let directives: CostDirectives = deps.supergraph.directives;
  const analyses = new OperationCache<OperationAnalysis>();
  const costs = new LRUCache<string, number>({ max: cacheSize });
  // Keyed by the text itself (before parsing there is no hash yet), bounded by total length.
  const tokenCounts = new LRUCache<string, number>({
    maxSize: 16 * 1_048_576,
    sizeCalculation: (_count, source) => Math.max(1, source.length),
  });
  deps.supergraph.onUpdate((source) => {
    directives = source.directives;
    analyses.clear();
    costs.clear();
  });

  const tokensOf = (source: string): number => {
    let tokens = tokenCounts.get(source);
    if (tokens === undefined) {
      tokens = countTokens(source);
      tokenCounts.set(source, tokens);
    }
    return tokens;
  };

  const costOf = (
    document: DocumentNode,
    operation: OperationDefinitionNode,
    variables: Record<string, unknown> = {},
  ) =>
    operationCost(
      deps.supergraph.apiSchema(),
      document,
      operation,
      variables,
      directives,
      costOptions,
    );

  const limitsOf = (context: GatewayContext): TierLimits | undefined =>
    context.consumer ? options.tiers[context.consumer.tier] : undefined;

  function analyse(
    request: GraphQLRequestContextDidResolveOperation<GatewayContext>,
    operation: OperationDefinitionNode,
  ): OperationAnalysis {
    return analyses.get(request.document, request.operationName, () => {
      const costVariables = costVariablesOf(request.document, operation, directives).names;
      return {
        ...operationShape(request.document, operation),
        tokens: tokensOf(request.source),
        costVariables,
        fixedCost: costVariables.length === 0 ? costOf(request.document, operation) : null,
      };
    });
  }

  function costFor(
    request: GraphQLRequestContextDidResolveOperation<GatewayContext>,
    operation: OperationDefinitionNode,
    analysis: OperationAnalysis,
  ): number {
    if (analysis.fixedCost !== null) return analysis.fixedCost;
    const variables = request.request.variables ?? {};
    const key = `${request.queryHash}:${request.operationName ?? ''}:${JSON.stringify(analysis.costVariables.map((name) => (Object.hasOwn(variables, name) ? (variables[name] ?? null) : null)))}`;
    let cost = costs.get(key);
    if (cost === undefined) {
      cost = costOf(request.document, operation, variables);
      costs.set(key, cost);
    }
    return cost;
  }

  return {
    name: 'operation-limits',
    costOf,
    onRequest({ body, context }) {
      const maxTokens = limitsOf(context)?.tokens;
      // A token is at least one character: a text no longer than the limit needs no counting.
      if (
        maxTokens !== undefined &&
        typeof body?.query === 'string' &&
        body.query.length > maxTokens
      )
        check('tokens', maxTokens, tokensOf(body.query), context);
    },
    operation: {
      didResolveOperation(request) {
        const { operation } = request;
        if (!operation) return;
        const analysis = analyse(request, operation);
        const cost = costFor(request, operation, analysis);
        request.contextValue.governance.cost = cost;
        const limits = limitsOf(request.contextValue);
        if (!limits) return;
        const measured: Record<OperationLimit, number> = {
          tokens: analysis.tokens,
          depth: analysis.depth,
          aliases: analysis.aliases,
          rootFields: analysis.rootFields,
          cost,
        };
        for (const limit of LIMIT_ORDER) {
          const max = limits[limit];
          if (max !== undefined) check(limit, max, measured[limit], request.contextValue);
        }
      },
    },
  };
}

/** Cheapest to tell first. */
const LIMIT_ORDER: OperationLimit[] = ['tokens', 'depth', 'aliases', 'rootFields', 'cost'];

const LIMIT_WORDING: Record<OperationLimit, string> = {
  tokens: 'has {actual} tokens',
  depth: 'is nested {actual} fields deep',
  aliases: 'uses {actual} aliases',
  rootFields: 'selects {actual} root fields',
  cost: 'costs {actual}',
};

function check(limit: OperationLimit, max: number, actual: number, context: GatewayContext): void {
  if (actual <= max) return;
  const tier = context.consumer?.tier;
  throw new GovernanceError(
    GovernanceCode.OPERATION_LIMIT_EXCEEDED,
    `The operation ${LIMIT_WORDING[limit].replace('{actual}', String(actual))}; the limit${tier ? ` of tier ${tier}` : ''} is ${max} (${limit}).`,
    { status: 400, details: { limit, max, actual } },
  );
}
