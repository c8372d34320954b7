import {
  DirectiveLocation,
  GraphQLDirective,
  GraphQLInt,
  GraphQLNonNull,
  isInputObjectType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
  type GraphQLArgument,
  type GraphQLInputField,
  type GraphQLInputObjectType,
  type GraphQLInputType,
  type GraphQLSchema,
} from 'graphql';
import {
  applyMiddleware,
  type IMiddlewareFieldMap,
  type IMiddlewareFunction,
} from 'graphql-middleware';
import { badUserInput } from './errors';

/**
 * Text input limits, checked before any resolver (or row rule) runs: every String and ID argument
 * and input field, at any depth, is at most its declared length and holds no control character or
 * bidirectional override. The limit is declared in the schema (`@length(max: 200)`, printed in the
 * subgraph's SDL), so schema owners and reviewers see it where the argument is.
 */

/** The Pothos `Directives` entry of the length directive (createSubgraphBuilder declares it). */
export interface LengthDirective {
  locations: 'ARGUMENT_DEFINITION' | 'INPUT_FIELD_DEFINITION';
  args: { max: number };
}

/** Limits for text that declares none: free text, and identifiers (keys are short). */
export const DEFAULT_TEXT_LENGTH = { String: 1_000, ID: 100 } as const;

/** The directive every subgraph schema defines (toSubGraphSchema's `directives`). */
export const LENGTH_DIRECTIVE = new GraphQLDirective({
  name: 'length',
  description: `The most characters (UTF-16 code units) this String or ID argument or input field accepts; longer is BAD_USER_INPUT naming it. One that declares none accepts ${DEFAULT_TEXT_LENGTH.String} (String) or ${DEFAULT_TEXT_LENGTH.ID} (ID). Control characters (C0, DEL, C1: tab and newline included) and bidirectional overrides and isolates (U+202A-U+202E, U+2066-U+2069) are refused in every one.`,
  locations: [DirectiveLocation.ARGUMENT_DEFINITION, DirectiveLocation.INPUT_FIELD_DEFINITION],
  args: { max: { type: new GraphQLNonNull(GraphQLInt) } },
});

// Control characters and the bidi controls that reorder what a reader sees (Trojan Source, CVE-2021-42574).
// eslint-disable-next-line no-control-regex
const FORBIDDEN_CHARACTER = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

/** Checks one argument's value; `path` names it as errors do (`input.lines[0].sku`). */
type ValueCheck = (value: unknown, path: string) => void;

/**
 * `schema` with the text checks in front of every field that takes text (at any depth of its
 * arguments); fields without text arguments keep their resolvers untouched.
 */
export function withInputLimits(schema: GraphQLSchema): GraphQLSchema {
  const checks = new InputChecks();
  const middleware: IMiddlewareFieldMap = {};
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    for (const field of Object.values(type.getFields())) {
      const argumentChecks = field.args.flatMap((argument) => {
        const check = checks.forArgument(argument);
        return check ? [[argument.name, check] as const] : [];
      });
      if (argumentChecks.length === 0) continue;
      const checked: IMiddlewareFunction = (
        resolve,
        root,
        args: Record<string, unknown>,
        ctx,
        info,
      ) => {
        for (const [name, check] of argumentChecks) check(args[name], name);
        return resolve(root, args, ctx, info);
      };
      ((middleware[type.name] ??= {}) as Record<string, IMiddlewareFunction>)[field.name] = checked;
    }
  }
  return applyMiddleware(schema, middleware);
}

/** Builds value checks from input types, each input object type once (they may refer to themselves). */
class InputChecks {
  private readonly inputObjects = new Map<string, ValueCheck | null>();

  forArgument(argument: GraphQLArgument | GraphQLInputField): ValueCheck | null {
    return this.forType(argument.type, declaredLength(argument));
  }

  private forType(type: GraphQLInputType, declared: number | undefined): ValueCheck | null {
    if (isNonNullType(type)) return this.forType(type.ofType, declared);
    if (isListType(type)) {
      const item = this.forType(type.ofType, declared);
      if (!item) return null;
      return (value, path) => {
        if (!Array.isArray(value)) return; // null: arguments arrive coerced, a list as a list
        value.forEach((element, i) => item(element, `${path}[${i}]`));
      };
    }
    if (isScalarType(type) && (type.name === 'String' || type.name === 'ID'))
      return textCheck(declared ?? DEFAULT_TEXT_LENGTH[type.name]);
    if (isInputObjectType(type)) return this.forInputObject(type);
    return null;
  }

  private forInputObject(type: GraphQLInputObjectType): ValueCheck | null {
    const { name } = type;
    if (this.inputObjects.has(name)) {
      // Known, or being built (a type that refers to itself): look it up when a value comes.
      return (value, path) => this.inputObjects.get(name)?.(value, path);
    }
    this.inputObjects.set(name, null);
    const fieldChecks = Object.values(type.getFields()).flatMap((field) => {
      const check = this.forArgument(field);
      return check ? [[field.name, check] as const] : [];
    });
    const check: ValueCheck | null =
      fieldChecks.length === 0
        ? null
        : (value, path) => {
            if (value == null || typeof value !== 'object') return;
            const fields = value as Record<string, unknown>;
            for (const [field, fieldCheck] of fieldChecks)
              fieldCheck(fields[field], `${path}.${field}`);
          };
    this.inputObjects.set(name, check);
    return check;
  }
}

function textCheck(max: number): ValueCheck {
  return (value, path) => {
    if (typeof value !== 'string') return;
    if (value.length > max)
      throw badUserInput(`${path} must hold at most ${max} characters, got ${value.length}`, path);
    const forbidden = FORBIDDEN_CHARACTER.exec(value);
    if (forbidden)
      throw badUserInput(
        `${path} must not contain control characters or bidirectional overrides: U+${codePoint(forbidden[0])} at offset ${forbidden.index}`,
        path,
      );
  };
}

function codePoint(character: string): string {
  return character.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');
}

/** The `@length(max:)` an argument or input field declares (Pothos keeps directives in `extensions`). */
function declaredLength(argument: GraphQLArgument | GraphQLInputField): number | undefined {
  const directives = argument.extensions?.directives as
    { name: string; args?: { max?: unknown } }[] | Record<string, { max?: unknown }> | undefined;
  const length = Array.isArray(directives)
    ? directives.find((directive) => directive.name === LENGTH_DIRECTIVE.name)?.args
    : directives?.[LENGTH_DIRECTIVE.name];
  return typeof length?.max === 'number' ? length.max : undefined;
}
