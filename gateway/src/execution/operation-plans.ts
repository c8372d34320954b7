import { QueryPlanner } from '@graphql-hive/router-query-planner';
import {
  GraphQLError,
  Kind,
  buildASTSchema,
  isAbstractType,
  isObjectType,
  parse,
  getOperationAST,
  print,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionNode,
} from 'graphql';
import { LRUCache } from 'lru-cache';
import { GovernanceCode } from '../governance/errors';
import { withFewerRequests } from './planning/fewer-requests';
import { fromHivePlan } from './planning/from-hive-plan';
import type { PlanNode } from './planning/plan';
import { isIntrospectionField, withRootFields } from './planning/root-fields';
import {
  compileResponseShape,
  conditionVariablesOf,
  type OperationSource,
  type ResponseShape,
} from './response-shape';

/** One operation of one supergraph, planned and compiled once, served to every request that sends it. */
export interface CompiledOperation {
  /** The subgraph fetches; none when the gateway answers everything itself (introspection, the root `__typename`). */
  plan: PlanNode | undefined;
  definition: OperationDefinitionNode;
  /** The operation's refusal (a subscription, or the planner finds no way to fetch a field), answered to every request. */
  refusal: GraphQLError | null;
  /** The operation's `__schema`/`__type` root fields, answered from the API schema. */
  introspection: DocumentNode | null;
  /** The variables `@skip`/`@include` read (a request giving one an explicit null is refused). */
  conditionVariables: readonly string[];
  /** The response shape for the given `@skip`/`@include` variable values. */
  shapeFor(variables: Record<string, unknown>): ResponseShape;
}

/**
 * Query plans and response shapes per operation for one supergraph (a hot reload builds a new
 * one): the planner is Hive Router's (@graphql-hive/router-query-planner), its plans turned into
 * Switchyard's (planning/); plans are kept per document hash and operation name, so a registered
 * or repeated operation is never printed or planned again.
 */
export class OperationPlans {
  private readonly planner: QueryPlanner;
  /** The supergraph's types (interfaces and their implementations as the subgraphs declare them, @inaccessible ones too). */
  private readonly supergraphSchema: GraphQLSchema;
  private readonly compiled: LRUCache<string, CompiledOperation>;
  private readonly possibleTypes = new Map<string, Set<string> | null>();

  constructor(
    supergraphSdl: string,
    /** The API schema, as Apollo Server validates against it. */
    readonly apiSchema: GraphQLSchema,
    cacheSize = 1000,
  ) {
    this.planner = new QueryPlanner(supergraphSdl);
    this.supergraphSchema = buildASTSchema(parse(supergraphSdl), { assumeValidSDL: true });
    this.compiled = new LRUCache({ max: cacheSize });
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
      const type = this.supergraphSchema.getType(condition);
      possible =
        type && isAbstractType(type)
          ? new Set(this.supergraphSchema.getPossibleTypes(type).map((runtime) => runtime.name))
          : null;
      this.possibleTypes.set(condition, possible);
    }
    return !!possible?.has(typename);
  };

  /** Whether `typename` names an object type: a runtime type, not an @interfaceObject's interface a subgraph answers with. */
  readonly isObjectType = (typename: unknown): boolean =>
    typeof typename === 'string' && isObjectType(this.supergraphSchema.getType(typename));

  private compile(document: DocumentNode, operationName: string | undefined): CompiledOperation {
    const definition = getOperationAST(document, operationName);
    if (!definition) throw new Error(`Unknown operation ${operationName ?? '(anonymous)'}`);
    const fragments: Record<string, FragmentDefinitionNode> = {};
    for (const node of document.definitions)
      if (node.kind === Kind.FRAGMENT_DEFINITION) fragments[node.name.value] = node;
    const rootType = this.apiSchema.getRootType(definition.operation) as GraphQLCompositeType;
    const source: OperationSource = { selectionSet: definition.selectionSet, fragments, rootType };
    const conditionVariables = conditionVariablesOf(source);
    let plan: PlanNode | undefined;
    let refusal: GraphQLError | null = null;
    if (definition.operation === 'subscription')
      refusal = new GraphQLError('Subscriptions are not supported: send a query or a mutation.', {
        extensions: { code: GovernanceCode.SUBSCRIPTION_NOT_SUPPORTED, http: { status: 400 } },
      });
    else {
      try {
        plan = this.plan(document, definition, source);
      } catch (error) {
        refusal = new GraphQLError((error as Error).message, {
          extensions: { code: GovernanceCode.QUERY_PLANNING_FAILED, http: { status: 400 } },
        });
      }
    }
    // One shape per combination of `@skip`/`@include` values met, the most recent few kept.
    const shapes = new LRUCache<string, ResponseShape>({ max: 16 });
    return {
      plan,
      definition,
      refusal,
      introspection: withRootFields(document, definition, isIntrospectionField),
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

  /** Hive's plan of the root fields the subgraphs answer (the gateway answers introspection and the root `__typename`). */
  private plan(
    document: DocumentNode,
    definition: OperationDefinitionNode,
    source: OperationSource,
  ) {
    const planned = withRootFields(
      document,
      definition,
      (field) => !isIntrospectionField(field) && field.name.value !== '__typename',
    );
    if (!planned) return undefined;
    const name = definition.name?.value;
    return withFewerRequests(
      fromHivePlan(this.planner.plan(print(planned), name, new Set(), 0), name, rootKeysOf(source)),
    );
  }
}

const keyOf = (queryHash: string, operationName: string | null | undefined) =>
  operationName ? `${queryHash}\0${operationName}` : queryHash;

/** The operation's root response keys in document order (through fragments). */
function rootKeysOf(source: OperationSource): string[] {
  const keys = new Set<string>();
  const seen = new Set<string>();
  const collect = (selections: readonly SelectionNode[]) => {
    for (const selection of selections) {
      if (selection.kind === Kind.FIELD) keys.add((selection.alias ?? selection.name).value);
      else if (selection.kind === Kind.INLINE_FRAGMENT) collect(selection.selectionSet.selections);
      else if (!seen.has(selection.name.value)) {
        seen.add(selection.name.value);
        const fragment = source.fragments[selection.name.value];
        if (fragment) collect(fragment.selectionSet.selections);
      }
    }
  };
  collect(source.selectionSet.selections);
  return [...keys];
}
