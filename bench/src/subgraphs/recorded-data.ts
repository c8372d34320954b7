/**
 * What an in-memory subgraph answers from: the real subgraph's answers to the gateways' requests,
 * recorded once and stored by entity and by field (never by request text, which differs from one
 * gateway's query planner to another's). Recording walks each request's selection set beside its
 * answer, so aliases are undone and a field with arguments is stored under its name and argument
 * values (`price({"customerId":"CUS-0051","quantity":1})`); the in-memory resolvers read the same keys.
 */
import {
  getArgumentValues,
  getNamedType,
  getVariableValues,
  isObjectType,
  Kind,
  parse,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLNamedType,
  type GraphQLObjectType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';

/** One subgraph's recorded answers: root fields by key, entities by type and representation. */
export interface RecordedData {
  root: Record<string, unknown>;
  entities: Record<string, Record<string, Record<string, unknown>>>;
}

/** One request a subgraph served, and its answer (the JSON text it sent). */
export interface RecordedExchange {
  body: {
    query: string;
    variables?: Record<string, unknown> | null;
    operationName?: string | null;
  };
  payload: string;
}

export const emptyRecordedData = (): RecordedData => ({ root: {}, entities: {} });

/** A request body as the replay table keys it: compact JSON, as the gateways send it. */
export const replayKey = (body: RecordedExchange['body']): string => JSON.stringify(body);

/** JSON with object keys sorted, so equal values give equal keys whatever order they were built in. */
export function stableKey(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableKey).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.keys(value as object)
      .sort()
      .filter((key) => (value as Record<string, unknown>)[key] !== undefined)
      .map((key) => `${JSON.stringify(key)}:${stableKey((value as Record<string, unknown>)[key])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value);
}

/** Where a field with arguments keeps its value for those argument values. */
export const fieldKey = (name: string, args: Record<string, unknown>) =>
  `${name}(${stableKey(args)})`;

/** Merges one exchange into `data`; `schema` is the subgraph schema the in-memory twin serves (same coercion of arguments). */
export function recordExchange(
  data: RecordedData,
  schema: GraphQLSchema,
  exchange: RecordedExchange,
): void {
  const response = JSON.parse(exchange.payload) as {
    data?: Record<string, unknown> | null;
    errors?: unknown[];
  };
  if (!response.data || response.errors?.length) return; // only clean answers are replayed
  const document = parse(exchange.body.query);
  const fragments = new Map<string, FragmentDefinitionNode>();
  const operations: OperationDefinitionNode[] = [];
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION)
      fragments.set(definition.name.value, definition);
    if (definition.kind === Kind.OPERATION_DEFINITION) operations.push(definition);
  }
  const operation = operations.find(
    (op) => !exchange.body.operationName || op.name?.value === exchange.body.operationName,
  );
  if (!operation || operation.operation !== 'query') return;
  const coerced = getVariableValues(
    schema,
    operation.variableDefinitions ?? [],
    exchange.body.variables ?? {},
  );
  if (coerced.errors)
    throw new Error(
      `recording: variables do not fit the subgraph schema: ${coerced.errors[0].message}`,
    );
  const walker = new Walker(schema, fragments, coerced.coerced);
  const queryType = schema.getQueryType()!;

  for (const node of walker.fields(operation.selectionSet, queryType)) {
    const name = node.name.value;
    const value = response.data[node.alias?.value ?? name];
    if (name === '__typename' || name === '_service' || value === undefined) continue;
    const field = queryType.getFields()[name];
    const args = getArgumentValues(field, node, coerced.coerced);
    if (name === '_entities') {
      const representations = args.representations as Record<string, unknown>[];
      (value as (Record<string, unknown> | null)[]).forEach((entity, index) => {
        if (!entity) return;
        const representation = representations[index];
        const typename = representation.__typename as string;
        const byKey = (data.entities[typename] ??= {});
        const key = stableKey(representation);
        byKey[key] = walker.merge(
          byKey[key],
          entity,
          node.selectionSet,
          schema.getType(typename)!,
        ) as Record<string, unknown>;
      });
    } else {
      const key = fieldKey(name, args);
      data.root[key] = walker.merge(
        data.root[key],
        value,
        node.selectionSet,
        getNamedType(field.type),
      );
    }
  }
}

class Walker {
  constructor(
    private readonly schema: GraphQLSchema,
    private readonly fragments: Map<string, FragmentDefinitionNode>,
    private readonly variables: Record<string, unknown>,
  ) {}

  /** The fields a selection set asks of an object of `type`, through inline fragments and fragment spreads. */
  fields(selectionSet: SelectionSetNode, type: GraphQLNamedType): FieldNode[] {
    const out: FieldNode[] = [];
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) out.push(selection);
      else if (selection.kind === Kind.INLINE_FRAGMENT) {
        if (!selection.typeCondition || selection.typeCondition.name.value === type.name)
          out.push(...this.fields(selection.selectionSet, type));
      } else {
        const fragment = this.fragments.get(selection.name.value);
        if (fragment && fragment.typeCondition.name.value === type.name)
          out.push(...this.fields(fragment.selectionSet, type));
      }
    }
    return out;
  }

  /** `value` (response-shaped, aliased) merged into `existing` (stored by field name and arguments). */
  merge(
    existing: unknown,
    value: unknown,
    selectionSet: SelectionSetNode | undefined,
    type: GraphQLNamedType,
  ): unknown {
    if (value === null || value === undefined) return existing ?? null;
    if (Array.isArray(value)) {
      const list = Array.isArray(existing) ? existing : [];
      value.forEach(
        (item, index) => (list[index] = this.merge(list[index], item, selectionSet, type)),
      );
      list.length = value.length;
      return list;
    }
    if (!selectionSet) return value;
    const objectType = this.runtimeType(value as Record<string, unknown>, type);
    const target = (existing && typeof existing === 'object' ? existing : {}) as Record<
      string,
      unknown
    >;
    for (const node of this.fields(selectionSet, objectType)) {
      const name = node.name.value;
      const answer = (value as Record<string, unknown>)[node.alias?.value ?? name];
      if (answer === undefined) continue;
      if (name === '__typename') {
        target.__typename = answer;
        continue;
      }
      const field = (objectType as GraphQLObjectType).getFields()[name];
      if (!field)
        throw new Error(`recording: ${objectType.name}.${name} is not in the subgraph schema`);
      const key =
        field.args.length > 0
          ? fieldKey(name, getArgumentValues(field, node, this.variables))
          : name;
      target[key] = this.merge(target[key], answer, node.selectionSet, getNamedType(field.type));
    }
    return target;
  }

  private runtimeType(value: Record<string, unknown>, type: GraphQLNamedType): GraphQLNamedType {
    if (isObjectType(type)) return type;
    const named =
      typeof value.__typename === 'string' ? this.schema.getType(value.__typename) : undefined;
    if (!named)
      throw new Error(`recording: an abstract ${type.name} was answered without __typename`);
    return named;
  }
}
