import {
  GraphQLError,
  isCompositeType,
  isObjectType,
  type GraphQLCompositeType,
  type GraphQLSchema,
} from 'graphql';
import type { FieldShape, ObjectShape, ResponseShape, TypeShape } from './response-shape';

/** A non-null position had no value: the null goes up to the nearest nullable parent. */
const INVALID = Symbol('null to propagate');
/** A value's JSON text, null (written `null`), or INVALID. */
type Written = string | null | typeof INVALID;
type Path = (string | number)[];

/**
 * Writes the response's `data` as JSON text straight from the merged data of a plan's fetches:
 * what `JSON.stringify` would write of the shaped object, byte for byte, without building it.
 * The walk keeps what was asked in the order asked, drops what the plan fetched only for keys and
 * `@requires`, checks leaves, and propagates nulls as GraphQL does: an object's text is built
 * apart, so a non-null field without value discards it and its nearest nullable parent writes
 * `null`. The value-completion errors (a non-null field without value, a value of the wrong type,
 * an unknown `__typename`) are worded as @apollo/gateway's computeResponse words them.
 */
export function writeResponse(
  schema: GraphQLSchema,
  shape: ResponseShape,
  input: Record<string, unknown>,
): { text: string; errors: GraphQLError[] } {
  const errors: GraphQLError[] = [];
  const path: Path = [];

  function describe(parent: GraphQLCompositeType, leafType: string): string {
    const last = path[path.length - 1];
    return typeof last === 'string'
      ? `field ${parent.name}.${last}`
      : `array element of type ${leafType} at index ${last}`;
  }

  function fail(message: string): void {
    errors.push(
      new GraphQLError(message, { path: [...path], extensions: { code: 'INVALID_GRAPHQL' } }),
    );
  }

  /** The object's text, or null (already reported), or INVALID when a non-null field of it had no value. */
  function writeObject(
    shape: ObjectShape,
    value: Record<string, unknown>,
    parent: GraphQLCompositeType,
  ): Written {
    let type = shape.parent;
    const typename = value.__typename;
    if (typeof typename === 'string') {
      const named = schema.getType(typename);
      if (!named || !isCompositeType(named)) {
        fail(`Invalid __typename found for object at ${describe(parent, shape.parent.name)}.`);
        return null;
      }
      type = named;
    }
    const fields = shape.fieldsFor(type);
    if (fields.length === 0) return '{}';
    let text = '';
    for (const field of fields) {
      if (field.isTypename) {
        if (!isObjectType(type)) return INVALID;
        text += field.prefix + JSON.stringify(type.name);
        continue;
      }
      path.push(field.key);
      const written = writeValue(field.type, fieldValue(value, field), field.parent);
      path.pop();
      if (written === INVALID) return INVALID;
      text += field.prefix + (written === null ? 'null' : written);
    }
    return text + '}';
  }

  /** Reports before returning null, unless the null was reported deeper (`reported`). */
  let reported = false;

  function writeValue(type: TypeShape, value: unknown, parent: GraphQLCompositeType): Written {
    reported = false;
    switch (type.kind) {
      case 'nonNull': {
        const inner = writeValue(type.of, value, parent);
        if (inner === null || inner === INVALID) {
          if (!reported)
            fail(`Cannot return null for non-nullable ${describe(parent, typeNameOf(type.of))}.`);
          reported = true;
          return INVALID;
        }
        return inner;
      }
      case 'list': {
        if (value === null || value === undefined) return null;
        if (!Array.isArray(value)) {
          fail(`Invalid non-list value found for ${describe(parent, typeNameOf(type.of))}.`);
          reported = true;
          return null;
        }
        let text = '[';
        let invalid = false;
        let anyReported = false;
        for (let index = 0; index < value.length; index++) {
          path.push(index);
          const element = writeValue(type.of, value[index], parent);
          path.pop();
          anyReported ||= reported;
          // Every element is still walked after an INVALID one: its errors are reported too.
          if (element === INVALID) invalid = true;
          else if (!invalid) text += (index === 0 ? '' : ',') + (element ?? 'null');
        }
        reported = anyReported;
        return invalid ? null : text + ']';
      }
      case 'object': {
        if (value === null || value === undefined) return null;
        if (typeof value !== 'object' || Array.isArray(value)) {
          fail(`Invalid non-object value found for ${describe(parent, type.shape.parent.name)}.`);
          reported = true;
          return null;
        }
        const text = writeObject(type.shape, value as Record<string, unknown>, parent);
        if (text === INVALID || text === null) {
          reported = true;
          return null;
        }
        return text;
      }
      case 'leaf': {
        if (value === null || value === undefined) return null;
        if (type.accepts(value)) return leafText(value);
        fail(`Invalid value found for ${describe(parent, type.name)}.`);
        reported = true;
        return null;
      }
    }
  }

  const text = writeObject(shape.root, input, shape.root.parent);
  return { text: typeof text === 'string' ? text : 'null', errors };
}

/** The field's value in the merged data: own properties only (a key `constructor` or `toString` reads no Object.prototype member). */
function fieldValue(object: Record<string, unknown>, field: FieldShape): unknown {
  if (field.inherited && !Object.hasOwn(object, field.key)) return undefined;
  return object[field.key];
}

/** Characters JSON.stringify escapes in a string: `"`, `\`, controls, and lone surrogates (checked by JSON.stringify itself). */
// eslint-disable-next-line no-control-regex
const ESCAPED = /["\\\u0000-\u001f\ud800-\udfff]/;

/** A leaf's JSON text, as JSON.stringify writes it. */
function leafText(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return ESCAPED.test(value) ? JSON.stringify(value) : `"${value}"`;
    case 'number':
      return Number.isFinite(value) ? String(value) : 'null';
    case 'boolean':
      return value ? 'true' : 'false';
    default:
      // A custom scalar's object or list (JSON.stringify writes no text for a function: null, as in a list).
      return JSON.stringify(value) ?? 'null';
  }
}

function typeNameOf(type: TypeShape): string {
  switch (type.kind) {
    case 'nonNull':
      return `${typeNameOf(type.of)}!`;
    case 'list':
      return `[${typeNameOf(type.of)}]`;
    case 'leaf':
      return type.name;
    case 'object':
      return type.shape.parent.name;
  }
}
