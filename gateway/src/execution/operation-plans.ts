import {
  Supergraph,
  operationFromDocument,
  possibleRuntimeTypes,
  type Schema,
} from '@apollo/federation-internals';
import {
  QueryPlanner,
  type PlanNode,
  type QueryPlan,
  type SubscriptionNode,
} from '@apollo/query-planner';
import {
  Kind,
  getOperationAST,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
import { LRUCache } from 'lru-cache';
import {
  compileResponseShape,
  conditionVariablesOf,
  selectionsOf,
  type OperationSource,
  type ResponseShape,
} from './response-shape';

/** One operation of one supergraph, planned and compiled once, served to every request that sends it. */
export interface CompiledOperation {
  plan: QueryPlan;
  definition: OperationDefinitionNode;
  /** Why Switchyard's executor leaves this operation to @apollo/gateway's, or null when it runs it. */
  delegateBecause: string | null;
  /** The variables `@skip`/`@include` read (a request giving one an explicit null is refused). */
  conditionVariables: readonly string[];
  /** The response shape for the given `@skip`/`@include` variable values. */
  shapeFor(variables: Record<string, unknown>): ResponseShape;
}

/**
 * Query plans and response shapes per operation for one supergraph (a hot reload builds a new
 * one): the planner is @apollo/query-planner's, as @apollo/gateway's; plans are kept per document
 * hash and operation name, so a registered or repeated operation is never parsed into the
 * planner's model or planned again.
 */
export class OperationPlans {
  private readonly planner: QueryPlanner;
  private readonly plannerSchema: Schema;
  private readonly supergraphSchema: Schema;
  private readonly compiled: LRUCache<string, CompiledOperation>;
  private readonly possibleTypes = new Map<string, Set<string> | null>();

  constructor(
    supergraphSdl: string,
    /** The API schema, as Apollo Server validates against it. */
    readonly apiSchema: GraphQLSchema,
    cacheSize = 1000,
  ) {
    const supergraph = Supergraph.build(supergraphSdl);
    this.plannerSchema = supergraph.apiSchema();
    this.planner = new QueryPlanner(supergraph);
    this.compiled = new LRUCache({ max: cacheSize });
    this.supergraphSchema = supergraph.schema;
  }

  /** The operation already planned for this document hash and name, if any. */
  cached(
    queryHash: string,
    operationName: string | null | undefined,
  ): CompiledOperation | undefined {
    return this.compiled.get(keyOf(queryHash, operationName));
  }

  /** Plans the operation `document` names and keeps it under its document hash and name. */
  operation(
    document: DocumentNode,
    queryHash: string,
    operationName: string | null | undefined,
  ): CompiledOperation {
    const compiled = this.compile(document, operationName ?? undefined);
    this.compiled.set(keyOf(queryHash, operationName), compiled);
    return compiled;
  }

  /** Whether an object of runtime type `typename` matches the type condition (`requires` of a fetch, in supergraph terms). */
  readonly isOfType = (typename: unknown, condition: string): boolean => {
    if (typeof typename !== 'string') return false;
    if (typename === condition) return true;
    let possible = this.possibleTypes.get(condition);
    if (possible === undefined) {
      const type = this.supergraphSchema.type(condition);
      possible =
        type && (type.kind === 'InterfaceType' || type.kind === 'UnionType')
          ? new Set(possibleRuntimeTypes(type).map((runtime) => runtime.name))
          : null;
      this.possibleTypes.set(condition, possible);
    }
    return !!possible?.has(typename);
  };

  private compile(document: DocumentNode, operationName: string | undefined): CompiledOperation {
    const definition = getOperationAST(document, operationName);
    if (!definition) throw new Error(`Unknown operation ${operationName ?? '(anonymous)'}`);
    const plan = this.planner.buildQueryPlan(
      operationFromDocument(this.plannerSchema, document, { operationName }),
    );
    const fragments: Record<string, FragmentDefinitionNode> = {};
    for (const node of document.definitions)
      if (node.kind === Kind.FRAGMENT_DEFINITION) fragments[node.name.value] = node;
    const rootType = this.apiSchema.getRootType(definition.operation) as GraphQLCompositeType;
    const source: OperationSource = { selectionSet: definition.selectionSet, fragments, rootType };
    const conditionVariables = conditionVariablesOf(source);
    // One shape per combination of `@skip`/`@include` values met, the most recent few kept.
    const shapes = new LRUCache<string, ResponseShape>({ max: 16 });
    return {
      plan,
      definition,
      delegateBecause: unsupportedPlanFeature(plan.node) ?? unsupportedSelection(source),
      conditionVariables,
      shapeFor: (variables) => {
        const key = conditionVariables
          .map((name) => (variables[name] === true ? '1' : '0'))
          .join('');
        let shape = shapes.get(key);
        if (!shape) {
          shape = compileResponseShape(this.apiSchema, source, variables);
          shapes.set(key, shape);
        }
        return shape;
      },
    };
  }
}

const keyOf = (queryHash: string, operationName: string | null | undefined) =>
  operationName ? `${queryHash}\0${operationName}` : queryHash;

/** Plan features Switchyard's executor does not run (they stay with @apollo/gateway's): @defer, subscriptions, data rewrites. */
function unsupportedPlanFeature(node: PlanNode | SubscriptionNode | undefined): string | null {
  if (!node) return null;
  switch (node.kind) {
    case 'Sequence':
    case 'Parallel':
      for (const child of node.nodes) {
        const reason = unsupportedPlanFeature(child);
        if (reason) return reason;
      }
      return null;
    case 'Flatten':
      return unsupportedPlanFeature(node.node);
    case 'Condition':
      return unsupportedPlanFeature(node.ifClause) ?? unsupportedPlanFeature(node.elseClause);
    case 'Fetch':
      return node.inputRewrites?.length ||
        node.outputRewrites?.length ||
        node.contextRewrites?.length
        ? 'data rewrites'
        : null;
    default:
      return node.kind;
  }
}

/**
 * Selections the shaping does not answer: schema introspection (`__schema`, `__type`), and response
 * keys that name an Object.prototype member (`constructor`, `__proto__` ...), which plain objects
 * would read from their prototype.
 */
function unsupportedSelection(source: OperationSource): string | null {
  for (const selection of selectionsOf(source)) {
    if (selection.kind !== Kind.FIELD) continue;
    const name = selection.name.value;
    if (name === '__schema' || name === '__type') return 'introspection';
    if ((selection.alias?.value ?? name) in Object.prototype)
      return 'a response key of Object.prototype';
  }
  return null;
}
