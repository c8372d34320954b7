import { GraphQLError } from 'graphql';
import type { CallerIdentity } from './identity-header';

/**
 * The values the graph guards with a scope, by class: each class names the scope its fields carry
 * in `@requiresScopes` and those fields (schema coordinates; test/classified-text.test.ts checks them
 * against the subgraphs' SDL). Field authorization hides the fields; a text that carries one of these
 * values (a hold's detail, an error message) must hide it the same way, so every such text is built
 * from a template of this module and rendered per caller (renderClassifiedText).
 */
export const VALUE_CLASSES = {
  credit: {
    scope: 'credit:read',
    covers: 'credit limits, credit exposure, available and reserved credit',
    fields: ['Customer.creditLimit', 'Customer.creditExposure', 'Customer.reservedCredit'],
  },
  financeAmount: {
    scope: 'finance:read',
    covers:
      'receivables: invoice amounts and balances, payments and their applications, open balances, aging',
    fields: [
      'Customer.openBalance',
      'Customer.aging',
      'Invoice.subtotal',
      'Invoice.tax',
      'Invoice.total',
      'Invoice.amountPaid',
      'Invoice.amountCredited',
      'Invoice.balance',
      'InvoiceLine.unitPrice',
      'InvoiceLine.extendedPrice',
      'CreditMemo.amount',
      'Payment.amount',
      'Payment.appliedAmount',
      'Payment.unappliedAmount',
      'PaymentApplication.amount',
    ],
  },
  costPrice: {
    scope: 'catalog:cost:read',
    covers: 'what a unit costs the distributor (margin data)',
    fields: ['Product.costPrice'],
  },
  contact: {
    scope: 'contacts:read',
    covers: 'the people at a customer: their names, emails and phones',
    fields: ['Contact', 'Customer.contacts'],
  },
} as const;

export type ValueClass = keyof typeof VALUE_CLASSES;

/**
 * A value's class in a text: `public` (anyone who reads the text may see it), a guarded class, or
 * `unknown` (a value nobody classified, such as a legacy text: fail closed, only a caller holding
 * every class's scope sees it).
 */
export type TextValueClass = ValueClass | 'public' | 'unknown';

export interface ClassifiedValue {
  value: string;
  class: TextValueClass;
}

/**
 * A text as it is stored: the sentence with its values kept apart, each with its class, so that it is
 * rendered for each reader. `template` holds `{name}` placeholders; a `[...]` segment is shown only to a
 * reader who may see every value in it, so the sentence still reads without them.
 */
export interface ClassifiedText {
  /** Names the sentence (CREDIT_LIMIT_EXCEEDED), for code and people that look for it. */
  code: string;
  template: string;
  values: Record<string, ClassifiedValue>;
}

/** Who reads a text: a consumer (by its scopes) or a service (`service:*`, sees everything). */
export type TextReader = Pick<CallerIdentity, 'kind' | 'scopes'>;

/** A reader with no scope: what anyone may read (stored next to the facts, sent in events). */
export const ANY_READER: TextReader = { kind: 'internal', scopes: [] };

/** What a required placeholder shows when its value may not be seen (only stored texts that bypassed a template get there). */
const WITHHELD = '(withheld)';

export function readerMaySee(reader: TextReader, valueClass: string): boolean {
  if (valueClass === 'public' || reader.kind === 'service') return true;
  if (Object.hasOwn(VALUE_CLASSES, valueClass))
    return reader.scopes.includes(VALUE_CLASSES[valueClass as ValueClass].scope);
  // unknown, or a class this code does not know: every scope, or nothing.
  return Object.values(VALUE_CLASSES).every((c) => reader.scopes.includes(c.scope));
}

type Part = { text: string } | { value: string };
interface Segment {
  optional: boolean;
  parts: Part[];
}

/** The template's segments, or null when it is malformed (unbalanced or nested brackets, an empty or unterminated placeholder). */
function parseTemplate(template: string): Segment[] | null {
  const segments: Segment[] = [];
  let current: Segment = { optional: false, parts: [] };
  const TOKEN = /\{([A-Za-z][A-Za-z0-9]*)\}|([[\]{}])|([^[\]{}]+)/g;
  for (const match of template.matchAll(TOKEN)) {
    const [, name, bracket, text] = match;
    if (name) current.parts.push({ value: name });
    else if (text) current.parts.push({ text });
    else if (bracket === '[' && !current.optional) {
      segments.push(current);
      current = { optional: true, parts: [] };
    } else if (bracket === ']' && current.optional) {
      segments.push(current);
      current = { optional: false, parts: [] };
    } else return null;
  }
  if (current.optional) return null;
  segments.push(current);
  return segments;
}

/**
 * The text as `reader` may read it: optional segments with a value it may not see are left out; a
 * required placeholder whose value it may not see (or that has no value) shows `(withheld)`. A
 * template that does not parse shows nothing of its values: `fallback`.
 */
export function renderClassifiedText(
  text: ClassifiedText,
  reader: TextReader,
  fallback = 'The detail of this text cannot be shown',
): string {
  const segments = parseTemplate(text.template);
  if (!segments) return fallback;
  const visible = (name: string) =>
    Object.hasOwn(text.values, name) && readerMaySee(reader, text.values[name].class);
  let out = '';
  for (const segment of segments) {
    const names = segment.parts.flatMap((p) => ('value' in p ? [p.value] : []));
    if (segment.optional && !names.every(visible)) continue;
    for (const part of segment.parts)
      out +=
        'text' in part ? part.text : visible(part.value) ? text.values[part.value].value : WITHHELD;
  }
  return out;
}

/** What anyone may read of the text. */
export const redactedText = (text: ClassifiedText): string =>
  renderClassifiedText(text, ANY_READER);

/** A sentence with its values' classes, declared once; `compose` makes the text to store. */
export interface TextTemplate<Name extends string> {
  code: string;
  template: string;
  classes: Readonly<Record<Name, TextValueClass>>;
  compose(values: Readonly<Record<Name, string | number>>): ClassifiedText;
}

/**
 * Declares a sentence: every placeholder has a class, every class a placeholder, and a value that is not
 * public sits in a `[...]` segment, so a reader without the scope still gets a sentence. Throws on
 * anything else (at module load: a text builder that would leak does not start).
 */
export function defineTextTemplate<Name extends string>(
  code: string,
  template: string,
  classes: Record<Name, TextValueClass>,
): TextTemplate<Name> {
  const segments = parseTemplate(template);
  if (!segments) throw new Error(`text template ${code} is malformed: ${template}`);
  const used = new Set<string>();
  for (const segment of segments)
    for (const part of segment.parts) {
      if (!('value' in part)) continue;
      if (!Object.hasOwn(classes, part.value))
        throw new Error(`text template ${code}: {${part.value}} has no class`);
      if (!segment.optional && classes[part.value as Name] !== 'public')
        throw new Error(
          `text template ${code}: {${part.value}} is ${classes[part.value as Name]}, so it must sit in a [...] segment`,
        );
      used.add(part.value);
    }
  const unused = Object.keys(classes).filter((name) => !used.has(name));
  if (unused.length)
    throw new Error(`text template ${code}: no placeholder for ${unused.join(', ')}`);
  return {
    code,
    template,
    classes,
    compose(values) {
      const entries = (Object.keys(classes) as Name[]).map((name) => {
        if (!Object.hasOwn(values, name)) throw new Error(`text ${code}: no value for {${name}}`);
        return [name, { value: String(values[name]), class: classes[name] }] as const;
      });
      return { code, template, values: Object.fromEntries(entries) };
    },
  };
}

/** A text of one public value: for a sentence with nothing guarded in it (its braces and brackets are not syntax). */
export function publicText(code: string, text: string): ClassifiedText {
  return { code, template: '{text}', values: { text: { value: text, class: 'public' } } };
}

/**
 * A stored text read back (JSON), or null when it is not one: a caller then gets the generic sentence its
 * owner keeps for it. Each value must be a string with a string class.
 */
export function parseClassifiedText(json: string | null | undefined): ClassifiedText | null {
  if (!json) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    return null;
  }
  if (typeof parsed !== 'object' || parsed === null) return null;
  const { code, template, values } = parsed as Record<string, unknown>;
  if (typeof code !== 'string' || typeof template !== 'string') return null;
  if (typeof values !== 'object' || values === null || Array.isArray(values)) return null;
  const checked: Record<string, ClassifiedValue> = {};
  for (const [name, entry] of Object.entries(values)) {
    const { value, class: valueClass } = (entry ?? {}) as Record<string, unknown>;
    if (typeof value !== 'string' || typeof valueClass !== 'string') return null;
    checked[name] = { value, class: valueClass as TextValueClass };
  }
  return { code, template, values: checked };
}

/**
 * An error whose message carries classified values. Its message is what anyone may read; the subgraph's
 * server renders it for the caller (errorForReader), so a caller with the scope gets the figures.
 */
export class ClassifiedTextError extends GraphQLError {
  constructor(
    readonly text: ClassifiedText,
    extensions: Record<string, unknown>,
  ) {
    super(redactedText(text), { extensions });
  }
}

/** `error` as `reader` may read it: a ClassifiedTextError's message rendered for it; any other error as it is. */
export function errorForReader(error: GraphQLError, reader: TextReader | undefined): GraphQLError {
  const original = error instanceof ClassifiedTextError ? error : error.originalError;
  if (!(original instanceof ClassifiedTextError) || !reader) return error;
  return new GraphQLError(renderClassifiedText(original.text, reader), {
    path: error.path,
    nodes: error.nodes,
    extensions: error.extensions,
  });
}
