/**
 * The static cost of an operation, demand-control style (IBM's GraphQL cost directives, as
 * Apollo Router implements them with `@cost` and `@listSize` from https://specs.apollo.dev/cost/v0.1),
 * read from the supergraph's directive index (whatever names the supergraph gives them) so a
 * subgraph owner prices a field in their own schema:
 *
 * - a field returning an object, interface or union costs 1, a scalar or enum 0, unless `@cost`
 *   on the field (or on its type) says otherwise; a mutation's root field costs at least 10;
 * - an argument with `@cost(weight)` adds its weight when given;
 * - a list multiplies its item's cost (the field's weight plus its selections) by its size: the
 *   largest of its `@listSize(slicingArguments)` given in the operation (literal, variable, or the
 *   argument's default), else `@listSize(assumedSize)`, else the configured default list size;
 * - `@listSize(sizedFields)` applies that size to the named child lists instead (a connection's
 *   `first` sizes its `edges`);
 * - on an interface or union, the most expensive possible type counts;
 * - `@skip`/`@include` are honoured; introspection (`__schema`, `__type`) is free, as the gateway
 *   answers it without subgraphs.
 * Each fragment is costed once per (type, sizing) and reused, so fragment-heavy documents cost
 * linear work to measure, while their real expansion is what the figure reports.
 */
import {
  getNamedType,
  getNullableType,
  isAbstractType,
  isCompositeType,
  isListType,
  Kind,
  valueFromASTUntyped,
  type DirectiveNode,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLObjectType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValueNode,
} from 'graphql';
import type { ListSize, SupergraphDirectives } from '../../supergraph-directives';

/** The cost directives of a supergraph, by coordinate: what its directive index read of `@cost` and `@listSize`. */
export type CostDirectives = Pick<
  SupergraphDirectives,
  'costs' | 'listSizes' | 'slicingArgumentNames'
>;

export interface CostOptions {
  /** Size of a list with neither a slicing argument nor @listSize(assumedSize). Default 20. */
  defaultListSize?: number;
  /** The least a mutation's root field costs (it writes to systems of record). Default 10. */
  mutationWeight?: number;
}

export const COST_DEFAULTS = { defaultListSize: 20, mutationWeight: 10 } as const;

/** What the cost of an operation depends on besides the document: the variables it read. */
export interface CostVariables {
  /** Names of the variables given to slicing arguments or to @skip/@include: the cache key needs their values. */
  names: string[];
}

/**
 * The variables of `operation` whose values can change its cost (those passed to a slicing
 * argument or to @skip/@include, here or in a fragment it uses); found without type information,
 * so a superset.
 */
export function costVariablesOf(
  document: DocumentNode,
  operation: OperationDefinitionNode,
  directives: CostDirectives,
): CostVariables {
  const fragments = fragmentsOf(document);
  const names = new Set<string>();
  const seen = new Set<string>();
  const collect = (value: ValueNode) => {
    if (value.kind === Kind.VARIABLE) names.add(value.name.value);
    else if (value.kind === Kind.LIST) value.values.forEach(collect);
    else if (value.kind === Kind.OBJECT) value.fields.forEach((f) => collect(f.value));
  };
  const walk = (selectionSet: SelectionSetNode | undefined) => {
    for (const selection of selectionSet?.selections ?? []) {
      for (const directive of selection.directives ?? []) {
        if (directive.name.value === 'skip' || directive.name.value === 'include')
          directive.arguments?.forEach((a) => collect(a.value));
      }
      if (selection.kind === Kind.FIELD) {
        for (const argument of selection.arguments ?? [])
          if (directives.slicingArgumentNames.has(argument.name.value)) collect(argument.value);
        walk(selection.selectionSet);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        walk(selection.selectionSet);
      } else if (!seen.has(selection.name.value)) {
        seen.add(selection.name.value);
        walk(fragments.get(selection.name.value)?.selectionSet);
      }
    }
  };
  walk(operation.selectionSet);
  return { names: [...names].sort() };
}

/**
 * The cost of `operation` (of `document`, validated against `schema`) with `variables`.
 * Unknown fields count 0: the document was validated against the API schema already.
 */
export function operationCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown>,
  directives: CostDirectives,
  options: CostOptions = {},
): number {
  const defaultListSize = options.defaultListSize ?? COST_DEFAULTS.defaultListSize;
  const mutationWeight = options.mutationWeight ?? COST_DEFAULTS.mutationWeight;
  const fragments = fragmentsOf(document);
  const variableDefaults = new Map(
    (operation.variableDefinitions ?? [])
      .filter((v) => v.defaultValue)
      .map((v) => [v.variable.name.value, valueFromASTUntyped(v.defaultValue!)]),
  );
  const valueOf = (node: ValueNode): unknown => {
    if (node.kind === Kind.VARIABLE) {
      const name = node.name.value;
      return Object.hasOwn(variables, name) && variables[name] !== undefined
        ? variables[name]
        : variableDefaults.get(name);
    }
    return valueFromASTUntyped(node, variables);
  };
  const included = (nodes: readonly DirectiveNode[] | undefined): boolean => {
    for (const directive of nodes ?? []) {
      const condition = directive.arguments?.find((a) => a.name.value === 'if');
      if (!condition) continue;
      if (directive.name.value === 'skip' && valueOf(condition.value) === true) return false;
      if (directive.name.value === 'include' && valueOf(condition.value) === false) return false;
    }
    return true;
  };
  const mutationType = schema.getMutationType();
  const fragmentCosts = new Map<string, number>();

  /**
   * Cost of one item of `type` with its selections: its weight (the field's, else the type's) plus
   * what it selects; for an interface or union, of its most expensive possible type.
   * `sized` gives the sizes of the child lists a @listSize(sizedFields) sized.
   */
  function itemCost(
    type: GraphQLNamedType,
    fieldWeight: number | undefined,
    selectionSet: SelectionSetNode | undefined,
    sized: Map<string, number> | null,
  ): number {
    if (!isCompositeType(type)) return fieldWeight ?? directives.costs.get(type.name) ?? 0;
    const runtimeTypes = isAbstractType(type) ? schema.getPossibleTypes(type) : [type];
    let most = 0;
    for (const runtimeType of runtimeTypes) {
      const weight =
        fieldWeight ??
        directives.costs.get(runtimeType.name) ??
        directives.costs.get(type.name) ??
        1;
      most = Math.max(
        most,
        weight + (selectionSet ? costOn(selectionSet, runtimeType, sized, new Set()) : 0),
      );
    }
    return most;
  }

  /** Cost of the selections that apply when the object is of `type`. */
  function costOn(
    selectionSet: SelectionSetNode,
    type: GraphQLObjectType,
    sized: Map<string, number> | null,
    spread: Set<string>,
  ): number {
    let cost = 0;
    for (const selection of selectionSet.selections) {
      if (!included(selection.directives)) continue;
      if (selection.kind === Kind.FIELD) {
        cost += fieldCost(selection, type, sized);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        if (applies(selection.typeCondition?.name.value, type))
          cost += costOn(selection.selectionSet, type, sized, spread);
      } else {
        // A fragment spread twice in one selection set is merged by execution: count it once.
        const name = selection.name.value;
        const fragment = fragments.get(name);
        if (!fragment || spread.has(name) || !applies(fragment.typeCondition.name.value, type))
          continue;
        spread.add(name);
        const key = `${name}|${type.name}|${sized ? JSON.stringify([...sized]) : ''}`;
        let fragmentCost = fragmentCosts.get(key);
        if (fragmentCost === undefined) {
          fragmentCost = costOn(fragment.selectionSet, type, sized, new Set());
          fragmentCosts.set(key, fragmentCost);
        }
        cost += fragmentCost;
      }
    }
    return cost;
  }

  function applies(typeCondition: string | undefined, type: GraphQLObjectType): boolean {
    if (!typeCondition || typeCondition === type.name) return true;
    const condition = schema.getType(typeCondition);
    return !!condition && isAbstractType(condition) && schema.isSubType(condition, type);
  }

  function fieldCost(
    node: FieldNode,
    parentType: GraphQLObjectType,
    sized: Map<string, number> | null,
  ): number {
    const name = node.name.value;
    if (name.startsWith('__')) return 0;
    const field = parentType.getFields()[name];
    if (!field) return 0;
    const coordinate = coordinateOf(parentType, field);
    const itemType = getNamedType(field.type);
    let fieldWeight = directives.costs.get(coordinate);
    if (parentType === mutationType) fieldWeight = Math.max(fieldWeight ?? 0, mutationWeight);

    let argumentsCost = 0;
    for (const argument of node.arguments ?? []) {
      const argumentWeight =
        directives.costs.get(`${parentType.name}.${name}(${argument.name.value}:)`) ??
        directives.costs.get(`${coordinate}(${argument.name.value}:)`);
      argumentsCost += argumentWeight ?? 0;
    }

    const listSize = directives.listSizes.get(coordinate);
    const slicedSize = listSize ? sizeFrom(node, field, listSize) : undefined;
    const childSized = listSize?.sizedFields?.length
      ? new Map(listSize.sizedFields.map((f) => [f, slicedSize ?? defaultListSize]))
      : null;
    const oneItem = itemCost(itemType, fieldWeight, node.selectionSet, childSized);
    if (!isListType(getNullableType(field.type))) return oneItem + argumentsCost;
    // A list sized by its parent's @listSize(sizedFields) takes that size; otherwise its own @listSize, else the default.
    const size =
      sized?.get(name) ??
      (listSize?.sizedFields?.length ? undefined : slicedSize) ??
      defaultListSize;
    return size * oneItem + argumentsCost;
  }

  /** The largest slicing argument given (or defaulted), else the assumed size. */
  function sizeFrom(
    node: FieldNode,
    field: GraphQLField<unknown, unknown>,
    listSize: ListSize,
  ): number | undefined {
    let largest: number | undefined;
    for (const name of listSize.slicingArguments ?? []) {
      // A variable given no value leaves the argument unset: its schema default applies.
      const given = node.arguments?.find((a) => a.name.value === name);
      const value =
        (given && valueOf(given.value)) ?? field.args.find((a) => a.name === name)?.defaultValue;
      if (typeof value === 'number' && Number.isFinite(value))
        largest = Math.max(largest ?? 0, Math.max(0, Math.floor(value)));
    }
    return largest ?? listSize.assumedSize;
  }

  /** The coordinate carrying the directives: the object's field, or the interface field it implements. */
  function coordinateOf(type: GraphQLObjectType, field: GraphQLField<unknown, unknown>): string {
    const own = `${type.name}.${field.name}`;
    if (directives.costs.has(own) || directives.listSizes.has(own)) return own;
    for (const implemented of type.getInterfaces()) {
      const inherited = `${implemented.name}.${field.name}`;
      if (directives.costs.has(inherited) || directives.listSizes.has(inherited)) return inherited;
    }
    return own;
  }

  const rootType = schema.getRootType(operation.operation);
  return rootType ? costOn(operation.selectionSet, rootType, null, new Set()) : 0;
}

function fragmentsOf(document: DocumentNode): Map<string, FragmentDefinitionNode> {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions)
    if (definition.kind === Kind.FRAGMENT_DEFINITION)
      fragments.set(definition.name.value, definition);
  return fragments;
}
