import { isObjectType, type GraphQLCompositeType } from 'graphql';
import { NULL_TEXT, type JsonBytes } from './json-bytes';
import type { FieldShape, TypeShape } from './response-shape';

/** What writing a value did: wrote its text, wrote nothing for a null, or wrote nothing for a null to propagate. */
export const WRITTEN = 0;
export const NULL = 1;
/** A non-null position had no value: the null goes up to the nearest nullable parent. */
export const INVALID = 2;
export type Written = typeof WRITTEN | typeof NULL | typeof INVALID;

/** What a compiled object writer uses of the walk it is part of (response-writer.ts). */
export interface Walk {
  readonly out: JsonBytes;
  readonly path: (string | number)[];
  /** Whether the null last written was reported (writeValue's protocol). */
  reported: boolean;
  value(type: TypeShape, value: unknown, parent: GraphQLCompositeType): Written;
}

export type ObjectWriter = (walk: Walk, object: Record<string, unknown>) => Written;

const writers = new WeakMap<FieldShape[], ObjectWriter>();

/**
 * The writer of an object's fields (compiled once per response position and runtime type, as
 * the fields are): one straight run of code per field, reading it by its key as a literal, so
 * that each read has an inline cache of its own where a loop over the fields reads every key
 * through one megamorphic keyed access. A valid scalar or enum is written at once; anything else
 * goes through the walk. Writes nothing and answers INVALID when a non-null field had no value.
 */
export function objectWriterOf(fields: FieldShape[], type: GraphQLCompositeType): ObjectWriter {
  let writer = writers.get(fields);
  if (!writer) {
    writer = compile(fields, type);
    writers.set(fields, writer);
  }
  return writer;
}

function compile(fields: FieldShape[], type: GraphQLCompositeType): ObjectWriter {
  const lines = ['const out = walk.out;', 'const mark = out.at;', 'let value, written;'];
  for (const [index, field] of fields.entries()) {
    const it = `fields[${index}]`;
    if (field.isTypename) {
      // A __typename on an abstract type (no runtime type known) nulls the object, as computeResponse.
      if (!isObjectType(type)) {
        lines.push(`out.rewind(mark); return ${INVALID};`);
        return build(lines, fields);
      }
      lines.push(`out.raw(${it}.typenameText);`);
      continue;
    }
    // Keys are GraphQL names: a JSON string is a safe literal. Own properties only for Object.prototype's names.
    const key = JSON.stringify(field.key);
    lines.push(`out.raw(${it}.prefix);`);
    lines.push(
      field.inherited
        ? `value = Object.hasOwn(object, ${key}) ? object[${key}] : undefined;`
        : `value = object[${key}];`,
    );
    const general = [
      `walk.path.push(${key});`,
      `written = walk.value(${it}.type, value, ${it}.parent);`,
      'walk.path.pop();',
      `if (written === ${INVALID}) { out.rewind(mark); return ${INVALID}; }`,
      `if (written === ${NULL}) out.raw(NULL_TEXT);`,
    ];
    if (!field.leaf) {
      lines.push(...general);
      continue;
    }
    // As walk.value would write a valid leaf: its text, nothing reported.
    lines.push(
      field.leaf.name === 'String'
        ? `if (typeof value === 'string') { out.string(value); walk.reported = false; } else {`
        : `if (value !== null && value !== undefined && ${it}.leaf.accepts(value)) { out.leaf(value); walk.reported = false; } else {`,
      ...general,
      '}',
    );
  }
  lines.push(`out.byte(${'}'.charCodeAt(0)}); return ${WRITTEN};`);
  return build(lines, fields);
}

function build(lines: string[], fields: FieldShape[]): ObjectWriter {
  // Code generated from the compiled shape only (keys are GraphQL names), once per position and type.
  const make = new Function(
    'fields',
    'NULL_TEXT',
    `return function writeObject(walk, object) {\n${lines.join('\n')}\n};`,
  ) as (fields: FieldShape[], nullText: Uint8Array) => ObjectWriter;
  return make(fields, NULL_TEXT);
}
