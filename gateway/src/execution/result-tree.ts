import type { RequiredSelection, ResultPath } from './planning/plan';

/**
 * The in-memory result a plan's fetches fill: the objects under a plan path, what a fetch sends
 * as entity representations, and merging what a subgraph answered into the objects it answered for.
 * Response keys are the client's and may name Object.prototype members (`constructor`,
 * `__proto__`): objects are only ever read through own properties and written as own properties.
 */
export type ResultObject = Record<string, unknown>;

export type IsOfType = (typename: unknown, condition: string) => boolean;

/** Without a schema at hand: a type condition matches its own type only. */
const sameType: IsOfType = (typename, condition) => typename === condition;

const ownValue = (object: object, key: string): unknown =>
  Object.hasOwn(object, key) ? (object as ResultObject)[key] : undefined;

/** The objects at `path` under `value`, lists (`@`) flattened, objects not of a type step's types skipped; nulls are left out. */
export function objectsAt(
  value: unknown,
  path: ResultPath,
  isOfType: IsOfType = sameType,
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
    if (Array.isArray(value))
      for (const element of value) objectsAt(element, path, isOfType, from + 1, into);
    return into;
  }
  if (Array.isArray(value)) return into;
  if (typeof step === 'string')
    return objectsAt(ownValue(value as object, step), path, isOfType, from + 1, into);
  if (ofTypes(value as ResultObject, step.types, isOfType))
    objectsAt(value, path, isOfType, from + 1, into);
  return into;
}

/** The response path of each object `objectsAt` finds, in the same order (for error paths: `@` becomes the index). */
export function pathsAt(
  value: unknown,
  path: ResultPath,
  isOfType: IsOfType = sameType,
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
      value.forEach((element, index) =>
        pathsAt(element, path, isOfType, from + 1, [...prefix, index], into),
      );
    return into;
  }
  if (Array.isArray(value)) return into;
  if (typeof step === 'string')
    return pathsAt(
      ownValue(value as object, step),
      path,
      isOfType,
      from + 1,
      [...prefix, step],
      into,
    );
  if (ofTypes(value as ResultObject, step.types, isOfType))
    pathsAt(value, path, isOfType, from + 1, prefix, into);
  return into;
}

function ofTypes(object: ResultObject, types: readonly string[], isOfType: IsOfType): boolean {
  const typename = ownValue(object, '__typename');
  return types.some((type) => isOfType(typename, type));
}

/**
 * The representation a fetch's `requires` selects from `source`, or null when an input is missing
 * (a non-null input failed to come: the entity is skipped, its error already reported). A field
 * is read under the key the plan fetched it as and written under the one the subgraph expects.
 */
export function selectRepresentation(
  source: ResultObject,
  selections: readonly RequiredSelection[],
  isOfType: IsOfType,
  variables: Record<string, unknown> = {},
): ResultObject | null {
  const result: ResultObject = {};
  for (const selection of selections) {
    if (selection.kind === 'Field') {
      const value = ownValue(source, selection.readKey);
      if (value === undefined) return null;
      setOwn(
        result,
        selection.writeKey,
        selection.selections
          ? selectNested(value, selection.selections, isOfType, variables)
          : value,
      );
    } else if (
      (!selection.typeCondition ||
        isOfType(ownValue(source, '__typename'), selection.typeCondition)) &&
      (!selection.skipIf || variables[selection.skipIf] !== true) &&
      (!selection.includeIf || variables[selection.includeIf] === true)
    ) {
      const nested = selectRepresentation(source, selection.selections, isOfType, variables);
      if (nested) mergeInto(result, nested);
    }
  }
  return result;
}

function selectNested(
  value: unknown,
  selections: readonly RequiredSelection[],
  isOfType: IsOfType,
  variables: Record<string, unknown>,
): unknown {
  if (value === null) return null;
  if (Array.isArray(value))
    return value.map((element) => selectNested(element, selections, isOfType, variables));
  return selectRepresentation(value as ResultObject, selections, isOfType, variables);
}

/** Deep-merges what a subgraph answered into the result (objects key by key, same-length lists element by element). */
export function mergeInto(target: ResultObject, source: ResultObject | null | undefined): void {
  if (!source) return;
  for (const key of Object.keys(source)) {
    const value = source[key];
    if (value === undefined) continue;
    const existing = ownValue(target, key);
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
    setOwn(target, key, value);
  }
}

/** Writes an own property, also for `__proto__`, which an assignment would take as the prototype. */
export function setOwn(object: ResultObject, key: string, value: unknown): void {
  if (key === '__proto__')
    Object.defineProperty(object, key, {
      value,
      writable: true,
      enumerable: true,
      configurable: true,
    });
  else object[key] = value;
}
