/**
 * Schemas printed so that only meaning shows in a diff: the API schema through graphql-js
 * (lexicographicSortSchema + printSchema), a subgraph's SDL with its definitions, fields, arguments
 * and values sorted by name but its directives kept (a scope loosened must show). Reordering is no change.
 */
import {
  buildSchema,
  Kind,
  lexicographicSortSchema,
  parse,
  print,
  printSchema,
  type DefinitionNode,
  type DocumentNode,
} from 'graphql';

export function sortedApiSchema(apiSchemaSdl: string): string {
  return printSchema(lexicographicSortSchema(buildSchema(apiSchemaSdl)));
}

export function sortedSubgraphSdl(sdl: string): string {
  const document = parse(sdl, { noLocation: true });
  const byName = <T extends { name?: { value: string } }>(items: readonly T[] | undefined) =>
    items && [...items].sort((a, b) => compare(a.name?.value ?? '', b.name?.value ?? ''));
  const definitions = document.definitions.map((definition) => {
    const node = definition as any;
    return {
      ...node,
      ...(node.fields ? { fields: byName(node.fields)!.map(sortArguments) } : {}),
      ...(node.values ? { values: byName(node.values) } : {}),
      ...(node.types ? { types: byName(node.types) } : {}),
      ...(node.interfaces ? { interfaces: byName(node.interfaces) } : {}),
      ...(node.arguments ? { arguments: byName(node.arguments) } : {}),
    } as DefinitionNode;
  });
  definitions.sort((a, b) => compare(definitionKey(a), definitionKey(b)));
  return `${print({ kind: Kind.DOCUMENT, definitions } as DocumentNode)}\n`;
}

function sortArguments(field: any) {
  return field.arguments
    ? {
        ...field,
        arguments: [...field.arguments].sort((a: any, b: any) =>
          compare(a.name.value, b.name.value),
        ),
      }
    : field;
}

/** Schema definitions and extensions first (they carry the @link imports), then by name and kind. */
function definitionKey(definition: DefinitionNode): string {
  const name = 'name' in definition && definition.name ? definition.name.value : '';
  const first =
    definition.kind === Kind.SCHEMA_DEFINITION || definition.kind === Kind.SCHEMA_EXTENSION;
  return `${first ? '0' : '1'}${name}\u0000${definition.kind}`;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** One line of a unified-style diff: ' ' kept, '-' only in the first text, '+' only in the second. */
export interface DiffLine {
  op: ' ' | '-' | '+';
  text: string;
}

/** Past this many cells (64 MB of table) the changed middle is shown whole. */
const MAX_DIFF_CELLS = 16_000_000;

/** A line diff (longest common subsequence after the common head and tail are set aside). */
export function diffLines(before: string, after: string): DiffLine[] {
  const a = before.split('\n');
  const b = after.split('\n');
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (
    tail < a.length - head &&
    tail < b.length - head &&
    a[a.length - 1 - tail] === b[b.length - 1 - tail]
  )
    tail++;
  const midA = a.slice(head, a.length - tail);
  const midB = b.slice(head, b.length - tail);
  const n = midA.length;
  const m = midB.length;
  const lines: DiffLine[] = a.slice(0, head).map((text) => ({ op: ' ', text }));
  if (n * m > MAX_DIFF_CELLS) {
    // Two unrelated schemas: the whole middle removed and added, rather than a table of n*m cells.
    for (const text of midA) lines.push({ op: '-', text });
    for (const text of midB) lines.push({ op: '+', text });
    for (const text of a.slice(a.length - tail)) lines.push({ op: ' ', text });
    return lines;
  }
  // lcs[i * (m + 1) + j]: the LCS length of midA[i..] and midB[j..].
  const lcs = new Uint32Array((n + 1) * (m + 1));
  for (let i = n - 1; i >= 0; i--)
    for (let j = m - 1; j >= 0; j--)
      lcs[i * (m + 1) + j] =
        midA[i] === midB[j]
          ? lcs[(i + 1) * (m + 1) + j + 1] + 1
          : Math.max(lcs[(i + 1) * (m + 1) + j], lcs[i * (m + 1) + j + 1]);
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && midA[i] === midB[j]) {
      lines.push({ op: ' ', text: midA[i] });
      i++;
      j++;
    } else if (j < m && (i === n || lcs[i * (m + 1) + j + 1] >= lcs[(i + 1) * (m + 1) + j])) {
      lines.push({ op: '+', text: midB[j++] });
    } else {
      lines.push({ op: '-', text: midA[i++] });
    }
  }
  for (const text of a.slice(a.length - tail)) lines.push({ op: ' ', text });
  return lines;
}

/** The changed lines with `context` unchanged lines around each change, hunks separated by `@@`. */
export function unifiedDiff(lines: DiffLine[], context = 3): string {
  const keep = new Array<boolean>(lines.length).fill(false);
  lines.forEach((line, index) => {
    if (line.op === ' ') return;
    for (
      let k = Math.max(0, index - context);
      k <= Math.min(lines.length - 1, index + context);
      k++
    )
      keep[k] = true;
  });
  const out: string[] = [];
  let gap = true;
  lines.forEach((line, index) => {
    if (!keep[index]) {
      gap = true;
      return;
    }
    if (gap) out.push('@@');
    gap = false;
    out.push(`${line.op}${line.text}`);
  });
  return out.join('\n');
}
