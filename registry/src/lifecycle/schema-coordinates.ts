/**
 * The coordinates a deprecation can name, resolved in the current API schema: a field
 * `Type.field`, an argument `Type.field(arg:)`, an enum value `Enum.VALUE`, an input field
 * `Input.field` (the schema coordinates RFC's forms); whether it is `@deprecated` there; and
 * the usage coordinates (`Type.field`, what gateways record) that tell who uses it.
 */
import {
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isObjectType,
  type GraphQLSchema,
} from 'graphql';
import { usageCoordinatesOf } from '../checks/usage-impact';

const NAME = '[_A-Za-z][_0-9A-Za-z]*';
const COORDINATE = new RegExp(`^(${NAME})\\.(${NAME})(?:\\((${NAME}):\\))?$`);

export interface ParsedCoordinate {
  type: string;
  member: string;
  argument?: string;
}

export function parseCoordinate(text: string): ParsedCoordinate | null {
  const match = COORDINATE.exec(text);
  if (!match) return null;
  return { type: match[1], member: match[2], ...(match[3] ? { argument: match[3] } : {}) };
}

export interface ResolvedCoordinate {
  kind: 'field' | 'argument' | 'enum-value' | 'input-field';
  /** The `@deprecated` reason in the schema, or null when it is not deprecated. */
  deprecationReason: string | null;
  /** The fields whose usage shows who uses it. */
  usageCoordinates: string[];
}

/** The coordinate in `schema`, or null when the schema has no such thing. */
export function resolveCoordinate(
  schema: GraphQLSchema,
  coordinate: string,
): ResolvedCoordinate | null {
  const parsed = parseCoordinate(coordinate);
  if (!parsed) return null;
  const type = schema.getType(parsed.type);
  if (!type) return null;
  if (isObjectType(type) || isInterfaceType(type)) {
    const field = type.getFields()[parsed.member];
    if (!field) return null;
    const usageCoordinates = [`${parsed.type}.${parsed.member}`];
    if (parsed.argument === undefined)
      return {
        kind: 'field',
        deprecationReason: field.deprecationReason ?? null,
        usageCoordinates,
      };
    const argument = field.args.find((arg) => arg.name === parsed.argument);
    if (!argument) return null;
    return {
      kind: 'argument',
      deprecationReason: argument.deprecationReason ?? null,
      usageCoordinates,
    };
  }
  if (parsed.argument !== undefined) return null;
  if (isEnumType(type)) {
    const value = type.getValue(parsed.member);
    if (!value) return null;
    return {
      kind: 'enum-value',
      deprecationReason: value.deprecationReason ?? null,
      usageCoordinates: usageCoordinatesOf(parsed.type, [schema]),
    };
  }
  if (isInputObjectType(type)) {
    const field = type.getFields()[parsed.member];
    if (!field) return null;
    return {
      kind: 'input-field',
      deprecationReason: field.deprecationReason ?? null,
      usageCoordinates: usageCoordinatesOf(parsed.type, [schema]),
    };
  }
  return null;
}

/** The coordinate's type name and member, for finding the subgraphs that define it. */
export function typeAndMemberOf(coordinate: string): { type: string; member: string } | null {
  const parsed = parseCoordinate(coordinate);
  return parsed && { type: parsed.type, member: parsed.member };
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** 00:00 UTC of a YYYY-MM-DD date (ms), or null when it is not a real date. */
export function startOfDateUtc(date: string): number | null {
  if (!DATE.test(date)) return null;
  const ms = Date.parse(`${date}T00:00:00Z`);
  return Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== date ? null : ms;
}

/** A time given as YYYY-MM-DD (00:00 UTC) or an ISO date-time with a zone; null when neither. */
export function instantOf(text: string): number | null {
  if (DATE.test(text)) return startOfDateUtc(text);
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(text))
    return null;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? null : ms;
}
