import {
  GraphQLError,
  isCompositeType,
  isObjectType,
  type GraphQLCompositeType,
  type GraphQLSchema,
} from 'graphql';
import { JsonBytes, bytesOf } from './json-bytes';
import type { ObjectShape, ResponseShape, TypeShape } from './response-shape';

/** What writing a value did: wrote its text, wrote nothing for a null, or wrote nothing for a null to propagate. */
const WRITTEN = 0;
const NULL = 1;
/** A non-null position had no value: the null goes up to the nearest nullable parent. */
const INVALID = 2;
type Written = typeof WRITTEN | typeof NULL | typeof INVALID;
type Path = (string | number)[];

/**
 * Writes the response's `data` as JSON text straight from the merged data of a plan's fetches:
 * what `JSON.stringify` would write of the shaped object, byte for byte, without building it.
 * The walk keeps what was asked in the order asked, drops what the plan fetched only for keys and
 * `@requires`, checks leaves, and propagates nulls as GraphQL does. The text is written as UTF-8
 * bytes into one buffer (json-bytes.ts): a non-null field without value takes back what its
 * nearest nullable parent wrote so far, which writes `null` instead. The value-completion errors (a
 * non-null field without value, a value of the wrong type, an unknown `__typename`) are worded as
 * @apollo/gateway's computeResponse words them.
 */
export function writeResponse(
  schema: GraphQLSchema,
  shape: ResponseShape,
  input: Record<string, unknown>,
): { bytes: Buffer | null; errors: GraphQLError[] } {
  const errors: GraphQLError[] = [];
  const path: Path = [];
  const out = new JsonBytes(expectedBytes.get(shape) ?? 0);

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

  /** Writes the object; NULL (already reported) or INVALID when a non-null field of it had no value, having written nothing. */
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
        return NULL;
      }
      type = named;
    }
    const fields = shape.fieldsFor(type);
    if (fields.length === 0) {
      out.raw(EMPTY_OBJECT);
      return WRITTEN;
    }
    const mark = out.at;
    for (const field of fields) {
      if (field.isTypename) {
        if (!isObjectType(type)) {
          out.rewind(mark);
          return INVALID;
        }
        out.raw(field.typenameText);
        continue;
      }
      out.raw(field.prefix);
      // Own properties only: a key `constructor` or `toString` reads no Object.prototype member.
      const fieldValue =
        field.inherited && !Object.hasOwn(value, field.key) ? undefined : value[field.key];
      // A valid leaf, the most common field, is written at once (as writeValue would: nothing reported).
      if (
        field.leaf &&
        fieldValue !== null &&
        fieldValue !== undefined &&
        field.leaf.accepts(fieldValue)
      ) {
        writeLeaf(out, fieldValue);
        reported = false;
        continue;
      }
      path.push(field.key);
      const written = writeValue(field.type, fieldValue, field.parent);
      path.pop();
      if (written === INVALID) {
        out.rewind(mark);
        return INVALID;
      }
      if (written === NULL) out.raw(NULL_TEXT);
    }
    out.byte(CLOSE_BRACE);
    return WRITTEN;
  }

  /** Reports before writing nothing for a null, unless the null was reported deeper (`reported`). */
  let reported = false;

  function writeValue(type: TypeShape, value: unknown, parent: GraphQLCompositeType): Written {
    reported = false;
    switch (type.kind) {
      case 'nonNull': {
        const inner = writeValue(type.of, value, parent);
        if (inner !== WRITTEN) {
          if (!reported)
            fail(`Cannot return null for non-nullable ${describe(parent, typeNameOf(type.of))}.`);
          reported = true;
          return INVALID;
        }
        return WRITTEN;
      }
      case 'list': {
        if (value === null || value === undefined) return NULL;
        if (!Array.isArray(value)) {
          fail(`Invalid non-list value found for ${describe(parent, typeNameOf(type.of))}.`);
          reported = true;
          return NULL;
        }
        const mark = out.at;
        let invalid = false;
        let anyReported = false;
        out.byte(OPEN_BRACKET);
        for (let index = 0; index < value.length; index++) {
          if (index > 0) out.byte(COMMA);
          path.push(index);
          const element = writeValue(type.of, value[index], parent);
          path.pop();
          anyReported ||= reported;
          // Every element is still walked after an INVALID one: its errors are reported too.
          if (element === INVALID) invalid = true;
          else if (element === NULL) out.raw(NULL_TEXT);
        }
        reported = anyReported;
        if (invalid) {
          out.rewind(mark);
          return NULL;
        }
        out.byte(CLOSE_BRACKET);
        return WRITTEN;
      }
      case 'object': {
        if (value === null || value === undefined) return NULL;
        if (typeof value !== 'object' || Array.isArray(value)) {
          fail(`Invalid non-object value found for ${describe(parent, type.shape.parent.name)}.`);
          reported = true;
          return NULL;
        }
        if (writeObject(type.shape, value as Record<string, unknown>, parent) === WRITTEN)
          return WRITTEN;
        reported = true;
        return NULL;
      }
      case 'leaf': {
        if (value === null || value === undefined) return NULL;
        if (type.accepts(value)) {
          writeLeaf(out, value);
          return WRITTEN;
        }
        fail(`Invalid value found for ${describe(parent, type.name)}.`);
        reported = true;
        return NULL;
      }
    }
  }

  if (writeObject(shape.root, input, shape.root.parent) !== WRITTEN) return { bytes: null, errors };
  const bytes = out.bytes();
  // The next answer of this operation starts with room for this one's size (it grows if need be).
  expectedBytes.set(shape, bytes.length);
  return { bytes, errors };
}

/** Writes a leaf as JSON.stringify writes it. */
function writeLeaf(out: JsonBytes, value: unknown): void {
  switch (typeof value) {
    case 'string':
      out.string(value);
      return;
    case 'number':
      if (Number.isFinite(value)) out.ascii(String(value));
      else out.raw(NULL_TEXT);
      return;
    case 'boolean':
      out.raw(value ? TRUE_TEXT : FALSE_TEXT);
      return;
    default:
      // A custom scalar's object or list (JSON.stringify writes no text for a function: null, as in a list).
      out.encoded(JSON.stringify(value) ?? 'null');
  }
}

/** The size of each operation's last answer. */
const expectedBytes = new WeakMap<ResponseShape, number>();

const NULL_TEXT = bytesOf('null');
const TRUE_TEXT = bytesOf('true');
const FALSE_TEXT = bytesOf('false');
const EMPTY_OBJECT = bytesOf('{}');
const [OPEN_BRACKET, CLOSE_BRACKET, COMMA, CLOSE_BRACE] = bytesOf('[],}');

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
