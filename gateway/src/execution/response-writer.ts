import {
  GraphQLError,
  isCompositeType,
  type GraphQLCompositeType,
  type GraphQLSchema,
} from 'graphql';
import { INVALID, NULL, WRITTEN, objectWriterOf, type Walk, type Written } from './field-writers';
import { JsonBytes, NULL_TEXT, bytesOf } from './json-bytes';
import type { ObjectShape, ResponseShape, TypeShape } from './response-shape';

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
  const walk = new ResponseWalk(schema, new JsonBytes(expectedBytes.get(shape) ?? 0));
  if (walk.object(shape.root, input, shape.root.parent) !== WRITTEN)
    return { bytes: null, errors: walk.errors };
  const bytes = walk.out.bytes();
  // The next answer of this operation starts with room for this one's size (it grows if need be).
  expectedBytes.set(shape, bytes.length);
  return { bytes, errors: walk.errors };
}

/** The size of each operation's last answer. */
const expectedBytes = new WeakMap<ResponseShape, number>();

class ResponseWalk implements Walk {
  readonly errors: GraphQLError[] = [];
  readonly path: (string | number)[] = [];
  /** Reports before writing nothing for a null, unless the null was reported deeper. */
  reported = false;

  constructor(
    private readonly schema: GraphQLSchema,
    readonly out: JsonBytes,
  ) {}

  /** Writes the object; NULL (already reported) or INVALID when a non-null field of it had no value, having written nothing. */
  object(
    shape: ObjectShape,
    value: Record<string, unknown>,
    parent: GraphQLCompositeType,
  ): Written {
    let type = shape.parent;
    const typename = value.__typename;
    if (typeof typename === 'string') {
      const named = this.schema.getType(typename);
      if (!named || !isCompositeType(named)) {
        this.fail(
          `Invalid __typename found for object at ${this.describe(parent, shape.parent.name)}.`,
        );
        return NULL;
      }
      type = named;
    }
    const fields = shape.fieldsFor(type);
    if (fields.length === 0) {
      this.out.raw(EMPTY_OBJECT);
      return WRITTEN;
    }
    return objectWriterOf(fields, type)(this, value);
  }

  value(type: TypeShape, value: unknown, parent: GraphQLCompositeType): Written {
    this.reported = false;
    switch (type.kind) {
      case 'nonNull': {
        const inner = this.value(type.of, value, parent);
        if (inner !== WRITTEN) {
          if (!this.reported)
            this.fail(
              `Cannot return null for non-nullable ${this.describe(parent, typeNameOf(type.of))}.`,
            );
          this.reported = true;
          return INVALID;
        }
        return WRITTEN;
      }
      case 'list': {
        if (value === null || value === undefined) return NULL;
        if (!Array.isArray(value)) {
          this.fail(
            `Invalid non-list value found for ${this.describe(parent, typeNameOf(type.of))}.`,
          );
          this.reported = true;
          return NULL;
        }
        const out = this.out;
        const mark = out.at;
        let invalid = false;
        let anyReported = false;
        out.byte(OPEN_BRACKET);
        for (let index = 0; index < value.length; index++) {
          if (index > 0) out.byte(COMMA);
          this.path.push(index);
          const element = this.value(type.of, value[index], parent);
          this.path.pop();
          anyReported ||= this.reported;
          // Every element is still walked after an INVALID one: its errors are reported too.
          if (element === INVALID) invalid = true;
          else if (element === NULL) out.raw(NULL_TEXT);
        }
        this.reported = anyReported;
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
          this.fail(
            `Invalid non-object value found for ${this.describe(parent, type.shape.parent.name)}.`,
          );
          this.reported = true;
          return NULL;
        }
        if (this.object(type.shape, value as Record<string, unknown>, parent) === WRITTEN)
          return WRITTEN;
        this.reported = true;
        return NULL;
      }
      case 'leaf': {
        if (value === null || value === undefined) return NULL;
        if (type.accepts(value)) {
          this.out.leaf(value);
          return WRITTEN;
        }
        this.fail(`Invalid value found for ${this.describe(parent, type.name)}.`);
        this.reported = true;
        return NULL;
      }
    }
  }

  private describe(parent: GraphQLCompositeType, leafType: string): string {
    const last = this.path[this.path.length - 1];
    return typeof last === 'string'
      ? `field ${parent.name}.${last}`
      : `array element of type ${leafType} at index ${last}`;
  }

  private fail(message: string): void {
    this.errors.push(
      new GraphQLError(message, { path: [...this.path], extensions: { code: 'INVALID_GRAPHQL' } }),
    );
  }
}

const EMPTY_OBJECT = bytesOf('{}');
const [OPEN_BRACKET, CLOSE_BRACKET, COMMA] = bytesOf('[],');

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
