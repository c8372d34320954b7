import type { QueryPlanSelectionNode, ResponsePath } from '@apollo/query-planner';

/**
 * The in-memory result a plan's fetches fill: the objects under a plan path, what a fetch sends
 * as entity representations, and merging what a subgraph answered into the objects it answered for.
 */
export type ResultObject = Record<string, unknown>;

/** The objects at `path` under `value`, lists (`@`) flattened; nulls are left out. */
export function objectsAt(
  value: unknown,
  path: ResponsePath,
  from = 0,
  into: ResultObject[] = [],
): ResultObject[] {
  if (value === null || value === undefined) return into;
  if (from === path.length) {
    if (Array.isArray(value)) {
      for (const element of value)
        if (element !== null && element !== undefined) into.push(element as ResultObject);
    } else into.push(value as ResultObject);
    return into;
  }
  const step = path[from];
  if (step === '@') {
    if (Array.isArray(value)) for (const element of value) objectsAt(element, path, from + 1, into);
    return into;
  }
  if (Array.isArray(value)) return into;
  return objectsAt(
    Object.hasOwn(value as object, step) ? (value as ResultObject)[step as string] : undefined,
    path,
    from + 1,
    into,
  );
}

/** The response path of each object `objectsAt` finds, in the same order (for error paths: `@` becomes the index). */
export function pathsAt(
  value: unknown,
  path: ResponsePath,
  from = 0,
  prefix: (string | number)[] = [],
  into: (string | number)[][] = [],
): (string | number)[][] {
  if (value === null || value === undefined) return into;
  if (from === path.length) {
    if (Array.isArray(value))
      value.forEach(
        (element, index) =>
          element !== null && element !== undefined && into.push([...prefix, index]),
      );
    else into.push([...prefix]);
    return into;
  }
  const step = path[from];
  if (step === '@') {
    if (Array.isArray(value))
      value.forEach((element, index) => pathsAt(element, path, from + 1, [...prefix, index], into));
    return into;
  }
  if (Array.isArray(value)) return into;
  return pathsAt(
    Object.hasOwn(value as object, step) ? (value as ResultObject)[step as string] : undefined,
    path,
    from + 1,
    [...prefix, step as string],
    into,
  );
}

/**
 * The representation a fetch's `requires` selects from `source`, or null when an input is missing
 * (a non-null input failed to come: the entity is skipped, its error already reported).
 */
export function selectRepresentation(
  source: ResultObject,
  selections: QueryPlanSelectionNode[],
  isOfType: (typename: unknown, condition: string) => boolean,
): ResultObject | null {
  const result: ResultObject = {};
  for (const selection of selections) {
    if (selection.kind === 'Field') {
      const key = selection.alias ?? selection.name;
      if (!Object.hasOwn(source, key) || source[key] === undefined) return null;
      const value = source[key];
      result[key] = selection.selections
        ? selectNested(value, selection.selections, isOfType)
        : value;
    } else if (selection.typeCondition && isOfType(source.__typename, selection.typeCondition)) {
      const nested = selectRepresentation(source, selection.selections, isOfType);
      if (nested) mergeInto(result, nested);
    }
  }
  return result;
}

function selectNested(
  value: unknown,
  selections: QueryPlanSelectionNode[],
  isOfType: (typename: unknown, condition: string) => boolean,
): unknown {
  if (value === null) return null;
  if (Array.isArray(value))
    return value.map((element) => selectNested(element, selections, isOfType));
  return selectRepresentation(value as ResultObject, selections, isOfType);
}

/** Deep-merges what a subgraph answered into the result (objects key by key, same-length lists element by element). */
export function mergeInto(target: ResultObject, source: ResultObject | null | undefined): void {
  if (!source) return;
  for (const key in source) {
    const value = source[key];
    if (value === undefined || key === '__proto__') continue;
    const existing = target[key];
    if (existing && typeof existing === 'object' && value && typeof value === 'object') {
      if (Array.isArray(value)) {
        if (Array.isArray(existing) && existing.length === value.length) {
          for (let index = 0; index < value.length; index++) {
            const element = value[index];
            const current = existing[index];
            if (
              current &&
              element &&
              typeof current === 'object' &&
              typeof element === 'object' &&
              !Array.isArray(element)
            )
              mergeInto(current, element);
            else existing[index] = element;
          }
          continue;
        }
      } else if (!Array.isArray(existing)) {
        mergeInto(existing as ResultObject, value as ResultObject);
        continue;
      }
    }
    target[key] = value;
  }
}
