/**
 * The response of an operation whose fields were removed (filter mode): null at every removed
 * path, propagating to the nearest nullable parent as GraphQL does, the type markers stripped, and
 * one UNAUTHORIZED_FIELD_OR_TYPE error per nulled path naming the missing requirement.
 */
import type { GraphQLRequestContextWillSendResponse } from '@apollo/server';
import { isListType, isNonNullType, type GraphQLOutputType } from 'graphql';
import type { GatewayContext } from '../../context';
import { GovernanceCode } from '../errors';
import { TYPE_MARKER, type RemovedField } from './document-filter';
import { describeRequirement, requirementExtensions } from './requirements';

/** Nulls the removed paths of a single (non-incremental) response and adds an error for each. */
export function reportRemoved(
  request: GraphQLRequestContextWillSendResponse<GatewayContext>,
  removed: RemovedField[],
): void {
  const body = request.response.body;
  if (body.kind !== 'single' || !body.singleResult.data) return;
  const { data, nulled } = nullRemovedFields(body.singleResult.data, removed);
  body.singleResult.data = data;
  if (nulled.length === 0) return;
  request.contextValue.governance.removedFields = nulled.map(({ path, field }) => ({
    path,
    requirement: describeRequirement(field.missing),
  }));
  body.singleResult.errors = [
    ...(body.singleResult.errors ?? []),
    ...nulled.map(({ path, field }) => ({
      message: `Unauthorized field or type: ${field.coordinate} requires ${describeRequirement(field.missing)}`,
      path,
      extensions: {
        code: GovernanceCode.UNAUTHORIZED_FIELD_OR_TYPE,
        coordinate: field.coordinate,
        ...requirementExtensions(field.missing),
      },
    })),
  ];
}

/**
 * Puts null at every path of `removed` in `data` (each element of a list; a non-null field nulls
 * its nearest nullable parent, as GraphQL does) and removes the type markers. Returns the data
 * (null when a non-null root field was removed) and the concrete paths nulled: one per field
 * removed from an object that is in the response.
 */
export function nullRemovedFields(
  data: Record<string, unknown>,
  removed: RemovedField[],
): {
  data: Record<string, unknown> | null;
  nulled: { path: (string | number)[]; field: RemovedField }[];
} {
  const nulled: { path: (string | number)[]; field: RemovedField }[] = [];
  let dataIsNull = false;
  for (const field of removed) {
    if (dataIsNull) break;
    dataIsNull = atParents(data, field.ancestors, [], (object, path) => {
      if (!field.parentTypes.includes(object[TYPE_MARKER] as string)) return false;
      object[field.key] = null;
      nulled.push({ path: [...path, field.key], field });
      return isNonNullType(field.type);
    });
  }
  if (dataIsNull) return { data: null, nulled };
  for (const field of removed) {
    atParents(data, field.ancestors, [], (object) => {
      delete object[TYPE_MARKER];
      return false;
    });
  }
  return { data, nulled };
}

/**
 * Calls `visit` on every object reached from `object` along `ancestors` (every element of lists).
 * When `visit` answers true that object must become null: it is nulled in its list or field, and
 * so on upwards while the position is non-null. Answers true when `object` itself must become null.
 */
function atParents(
  object: Record<string, unknown>,
  ancestors: RemovedField['ancestors'],
  path: (string | number)[],
  visit: (parent: Record<string, unknown>, path: (string | number)[]) => boolean,
): boolean {
  if (ancestors.length === 0) return visit(object, path);
  const [{ key, type }, ...below] = ancestors;
  const mustBeNull = (
    value: unknown,
    valueType: GraphQLOutputType,
    valuePath: (string | number)[],
  ): boolean => {
    if (value === null || value === undefined) return false;
    const nullable = isNonNullType(valueType) ? valueType.ofType : valueType;
    if (!isListType(nullable))
      return atParents(value as Record<string, unknown>, below, valuePath, visit);
    const items = value as unknown[];
    let listMustBeNull = false;
    items.forEach((item, index) => {
      if (!mustBeNull(item, nullable.ofType, [...valuePath, index])) return;
      items[index] = null;
      if (isNonNullType(nullable.ofType)) listMustBeNull = true;
    });
    return listMustBeNull;
  };
  if (!mustBeNull(object[key], type, [...path, key])) return false;
  object[key] = null;
  return isNonNullType(type);
}
