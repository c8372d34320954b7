/**
 * How a candidate's answer differs from the current deployment's to the same request, by shape and
 * not by value (the two may read data at different instants): errors that did not occur before,
 * fields that held a value and became null (or went missing), and values whose JSON type changed
 * (a string now a number, an object now a list). A difference names its path with list indexes
 * folded (`orders.edges[].node.poNumber`) and, where the document and the schema tell, the field
 * coordinate (`Order.poNumber`). Values never appear in a difference.
 */
import {
  getNamedType,
  isInterfaceType,
  isObjectType,
  Kind,
  type DocumentNode,
  type FieldNode,
  type GraphQLField,
  type FragmentDefinitionNode,
  type GraphQLNamedType,
  type GraphQLSchema,
  type SelectionSetNode,
} from 'graphql';

export interface GraphQLAnswer {
  data?: unknown;
  errors?: { message?: string; path?: (string | number)[]; extensions?: { code?: unknown } }[];
}

export type DifferenceKind = 'new-error' | 'became-null' | 'type-changed';

export interface AnswerDifference {
  kind: DifferenceKind;
  /** Response path, list indexes as `[]`; `` for the whole answer. */
  path: string;
  /** `Type.field` at the path, when the document and schema tell. */
  coordinate: string | null;
  /** In words, without values: the error's code and message, or `String → Int`. */
  detail: string;
}

/** An error's message is the candidate's own text: kept short in a report. */
const MAX_MESSAGE = 200;

export function compareAnswers(
  before: GraphQLAnswer,
  after: GraphQLAnswer,
  where: { schema: GraphQLSchema; document: DocumentNode },
): AnswerDifference[] {
  const differences = new Map<string, AnswerDifference>();
  const add = (kind: DifferenceKind, path: (string | number)[], detail: string) => {
    const folded = foldedPath(path);
    const key = `${kind}\u0000${folded}\u0000${kind === 'new-error' ? detail : ''}`;
    if (!differences.has(key))
      differences.set(key, {
        kind,
        path: folded,
        coordinate: coordinateAt(where.schema, where.document, before.data, path),
        detail,
      });
  };

  const errorKey = (error: NonNullable<GraphQLAnswer['errors']>[number]) =>
    `${codeOf(error)}\u0000${foldedPath(error.path ?? [])}`;
  const earlier = new Set((before.errors ?? []).map(errorKey));
  for (const error of after.errors ?? []) {
    if (earlier.has(errorKey(error))) continue;
    const message = (error.message ?? '').slice(0, MAX_MESSAGE);
    add('new-error', error.path ?? [], `${codeOf(error)}: ${message}`);
  }

  const walk = (was: unknown, now: unknown, path: (string | number)[]) => {
    if (was === null || was === undefined) return;
    if (now === null || now === undefined) {
      add('became-null', path, now === null ? 'now null' : 'now missing');
      return;
    }
    const wasKind = jsonKind(was);
    const nowKind = jsonKind(now);
    if (wasKind !== nowKind) {
      add('type-changed', path, `${wasKind} → ${nowKind}`);
      return;
    }
    if (Array.isArray(was) && Array.isArray(now)) {
      for (let index = 0; index < Math.min(was.length, now.length); index++)
        walk(was[index], now[index], [...path, index]);
    } else if (wasKind === 'object') {
      const nowObject = now as Record<string, unknown>;
      for (const [key, value] of Object.entries(was as Record<string, unknown>))
        walk(value, nowObject[key], [...path, key]);
    }
  };
  // An answer without data (refused, unreachable) is told by its errors, not as the whole answer gone null.
  if (after.data !== undefined || !after.errors?.length) walk(before.data, after.data, []);
  return [...differences.values()];
}

function codeOf(error: NonNullable<GraphQLAnswer['errors']>[number]): string {
  const code = error.extensions?.code;
  return typeof code === 'string' ? code : 'NO_CODE';
}

function jsonKind(value: unknown): string {
  if (Array.isArray(value)) return 'list';
  return typeof value === 'object' ? 'object' : typeof value;
}

function foldedPath(path: readonly (string | number)[]): string {
  let text = '';
  for (const segment of path)
    text += typeof segment === 'number' ? '[]' : text === '' ? segment : `.${segment}`;
  return text;
}

/**
 * The field coordinate at `path`: the document's selections followed key by key, the parent type
 * from the schema, or from the answer's `__typename` where the schema does not know the field (a
 * subgraph's `_entities`) or the type is abstract.
 */
export function coordinateAt(
  schema: GraphQLSchema,
  document: DocumentNode,
  data: unknown,
  path: readonly (string | number)[],
): string | null {
  const operation = document.definitions.find(
    (definition) => definition.kind === Kind.OPERATION_DEFINITION,
  );
  if (!operation || path.length === 0) return null;
  const fragments: Record<string, FragmentDefinitionNode> = {};
  for (const definition of document.definitions)
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments[definition.name.value] = definition;

  let type: GraphQLNamedType | null | undefined = schema.getRootType(operation.operation);
  let selections: SelectionSetNode | undefined = operation.selectionSet;
  let value: unknown = data;
  let coordinate: string | null = null;
  for (const segment of path) {
    if (typeof segment === 'number') {
      value = Array.isArray(value) ? value[segment] : undefined;
      continue;
    }
    const found: FieldWithCondition | undefined = selections
      ? fieldWithKey(selections, segment, fragments)
      : undefined;
    if (!found) return null;
    const field: FieldNode = found.field;
    const typeCondition = found.typeCondition;
    // The concrete type: the answer's __typename, else the fragment's condition where the schema says less.
    const typename = (value as { __typename?: unknown } | null | undefined)?.__typename;
    if (typeof typename === 'string' && schema.getType(typename)) type = schema.getType(typename);
    else if (typeCondition && (!type || !isObjectType(type)) && schema.getType(typeCondition))
      type = schema.getType(typeCondition);
    const definition: GraphQLField<unknown, unknown> | undefined =
      isObjectType(type) || isInterfaceType(type) ? type.getFields()[field.name.value] : undefined;
    coordinate = type ? `${type.name}.${field.name.value}` : null;
    type = definition ? getNamedType(definition.type) : null;
    selections = field.selectionSet;
    value = (value as Record<string, unknown> | null | undefined)?.[segment];
  }
  return coordinate;
}

interface FieldWithCondition {
  field: FieldNode;
  typeCondition?: string;
}

/** The field answering `key`, and the type condition of the innermost fragment it sits in. */
function fieldWithKey(
  selectionSet: SelectionSetNode,
  key: string,
  fragments: Readonly<Record<string, FragmentDefinitionNode>>,
  typeCondition?: string,
): FieldWithCondition | undefined {
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      if ((selection.alias?.value ?? selection.name.value) === key)
        return { field: selection, typeCondition };
      continue;
    }
    const fragment =
      selection.kind === Kind.INLINE_FRAGMENT ? selection : fragments[selection.name.value];
    if (!fragment) continue;
    const found = fieldWithKey(
      fragment.selectionSet,
      key,
      fragments,
      fragment.typeCondition?.name.value ?? typeCondition,
    );
    if (found) return found;
  }
  return undefined;
}
