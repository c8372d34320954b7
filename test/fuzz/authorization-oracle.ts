/**
 * The authorization property over one answer: walking the operation's selections alongside the
 * answer's data, no field the consumer lacks a scope for holds a value (the field's and its
 * type's `@requiresScopes`), no row (by its id) is outside what the consumer may see, and no
 * connection counts more rows than the consumer may see.
 */
import {
  getNamedType,
  isObjectType,
  Kind,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLObjectType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import { satisfies, type DeclaredScopes } from './declared-scopes';
import { mayView, type RowOwners, type RowViewer } from './row-owners';

export interface Viewer extends RowViewer {
  id: string;
  scopes: string[];
}

export interface OracleInputs {
  schema: GraphQLSchema;
  scopes: DeclaredScopes;
  owners: RowOwners;
}

export interface OracleVerdict {
  /** What the answer shows that the viewer may not see, as `path: why`; empty when nothing. */
  leaks: string[];
  /** Rows (objects of a row type, with their id) the answer held, each checked against its owner. */
  rows: number;
  /** Fields the answer reached whose `@requiresScopes` the viewer lacks: each must be null. */
  withheld: number;
}

export function judgeAnswer(
  inputs: OracleInputs,
  viewer: Viewer,
  document: DocumentNode,
  operationName: string | undefined,
  data: unknown,
): OracleVerdict {
  const verdict: OracleVerdict = { leaks: [], rows: 0, withheld: 0 };
  const operation = document.definitions.find(
    (definition): definition is OperationDefinitionNode =>
      definition.kind === Kind.OPERATION_DEFINITION &&
      (operationName === undefined || definition.name?.value === operationName),
  );
  if (!operation || data === null || data === undefined) return verdict;
  const fragments = new Map(
    document.definitions
      .filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION)
      .map((fragment) => [fragment.name.value, fragment]),
  );
  const root =
    operation.operation === 'mutation'
      ? inputs.schema.getMutationType()!
      : inputs.schema.getQueryType()!;
  const leaks = verdict.leaks;
  const visibleCount = (type: string) =>
    [...(inputs.owners.get(type)?.values() ?? [])].filter((owner) => mayView(viewer, type, owner))
      .length;

  const walk = (
    selectionSet: SelectionSetNode,
    type: GraphQLObjectType,
    value: any,
    path: string,
  ) => {
    for (const { key, name, selectionSet: below } of fieldsOf(selectionSet, fragments)) {
      if (name === '__typename') continue;
      const field = type.getFields()[name];
      const at = `${path}${path ? '.' : ''}${key}`;
      const answered = value[key];
      const named = getNamedType(field.type);
      for (const required of [
        inputs.scopes.fields.get(`${type.name}.${name}`),
        inputs.scopes.types.get(named.name),
      ]) {
        if (!required || satisfies(viewer.scopes, required)) continue;
        verdict.withheld++;
        if (answered !== null && answered !== undefined)
          leaks.push(`${at}: a value, but it requires ${JSON.stringify(required)}`);
      }
      if (answered === null || answered === undefined) continue;
      if (!isObjectType(named) || !below) continue;
      const items: any[] = Array.isArray(answered) ? answered.flat(Infinity) : [answered];
      for (const [index, item] of items.entries()) {
        if (item === null) continue;
        const itemPath = Array.isArray(answered) ? `${at}[${index}]` : at;
        const owners = inputs.owners.get(named.name);
        if (owners && typeof item.id === 'string') {
          const owner = owners.get(item.id);
          verdict.rows++;
          if (!owner) leaks.push(`${itemPath}: ${named.name} ${item.id} is in no database`);
          else if (!mayView(viewer, named.name, owner))
            leaks.push(`${itemPath}: ${named.name} ${item.id} belongs to ${JSON.stringify(owner)}`);
        }
        const rowType = connectionRowType(named);
        if (
          rowType &&
          inputs.owners.has(rowType) &&
          typeof item.totalCount === 'number' &&
          item.totalCount > visibleCount(rowType)
        )
          leaks.push(
            `${itemPath}.totalCount: ${item.totalCount} ${rowType} rows, more than the ${visibleCount(rowType)} it may see`,
          );
        walk(below, named, item, itemPath);
      }
    }
  };
  walk(operation.selectionSet, root, data, '');
  return verdict;
}

/** The fields a selection set selects on an object type, through its fragments (the schema has no abstract types to narrow). */
function fieldsOf(
  selectionSet: SelectionSetNode,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
): { key: string; name: string; selectionSet?: SelectionSetNode }[] {
  return selectionSet.selections.flatMap((selection) => {
    if (selection.kind === Kind.FIELD)
      return [
        {
          key: selection.alias?.value ?? selection.name.value,
          name: selection.name.value,
          selectionSet: selection.selectionSet,
        },
      ];
    if (selection.kind === Kind.INLINE_FRAGMENT) return fieldsOf(selection.selectionSet, fragments);
    const fragment = fragments.get(selection.name.value);
    return fragment ? fieldsOf(fragment.selectionSet, fragments) : [];
  });
}

/** The row type a connection lists (`OrderConnection` → `Order`), or null for any other type. */
function connectionRowType(type: GraphQLObjectType): string | null {
  const edges = type.getFields().edges;
  if (!edges || !type.getFields().totalCount) return null;
  const edge = getNamedType(edges.type);
  const node = isObjectType(edge) ? edge.getFields().node : undefined;
  return node ? getNamedType(node.type).name : null;
}
