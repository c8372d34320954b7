import { callAdmin } from './admin-client';
/**
 * `switchyard operations <command>`: a consumer's persisted operations on a running gateway,
 * through its admin API (SWITCHYARD_URL, default http://127.0.0.1:4000; SWITCHYARD_ADMIN_KEY sent
 * as `x-api-key`).
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import type { ManifestReason } from '../governance/persisted-operations/operation-manifest';
import type { StoredOperation } from '../governance/persisted-operations/manifest-registry';
import type { UnknownOperation } from '../governance/persisted-operations/unknown-operations';

const USAGE = `usage: switchyard operations <command> [--json]
  register --consumer ID --manifest FILE   register an apollo-persisted-query-manifest for a consumer
  list --consumer ID                       the consumer's registered operations
  unknown [--consumer ID]                  operations consumers in audit mode ran without registering`;

export interface CommandIo {
  env?: NodeJS.ProcessEnv;
  print?: (line: string) => void;
  printError?: (line: string) => void;
}

/** Runs one command; answers the exit code (0 done, 1 refused or unreachable, 2 bad arguments or unreadable manifest). */
export async function operationsCommand(argv: string[], io: CommandIo = {}): Promise<number> {
  const env = io.env ?? process.env;
  const print = io.print ?? ((line: string) => console.log(line));
  const printError = io.printError ?? ((line: string) => console.error(line));

  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        consumer: { type: 'string' },
        manifest: { type: 'string' },
        json: { type: 'boolean' },
      },
    });
  } catch (error) {
    printError(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  const [command, ...extra] = positionals;
  if (extra.length > 0) {
    printError(USAGE);
    return 2;
  }

  let request: { method: 'GET' | 'POST'; path: string; body?: string };
  let render: (body: any) => string[];
  if (command === 'register' && values.consumer && values.manifest) {
    let manifest: string;
    try {
      manifest = await readFile(values.manifest, 'utf8');
      JSON.parse(manifest);
    } catch (error) {
      printError(`cannot read the manifest ${values.manifest}: ${(error as Error).message}`);
      return 2;
    }
    request = {
      method: 'POST',
      path: `/admin/consumers/${encodeURIComponent(values.consumer)}/operations`,
      body: manifest,
    };
    render = (body: {
      consumer: string;
      received: number;
      added: number;
      unchanged: number;
      total: number;
    }) => [
      `registered ${body.received} operations for ${body.consumer}: ${body.added} added, ${body.unchanged} already registered; ${body.total} in all`,
    ];
  } else if (command === 'list' && values.consumer && !values.manifest) {
    request = {
      method: 'GET',
      path: `/admin/consumers/${encodeURIComponent(values.consumer)}/operations`,
    };
    render = (body: {
      consumer: string;
      mode: string;
      operations: Omit<StoredOperation, 'body'>[];
    }) => [
      `${body.consumer} (${body.mode}): ${body.operations.length} registered operations`,
      ...table(
        ['name', 'type', 'id', 'registered'],
        body.operations.map((o) => [o.name, o.type, o.id, o.registeredAt]),
      ),
    ];
  } else if (command === 'unknown' && !values.manifest) {
    request = {
      method: 'GET',
      path: `/admin/unknown-operations${values.consumer ? `?consumer=${encodeURIComponent(values.consumer)}` : ''}`,
    };
    render = (body: { operations: UnknownOperation[] }) =>
      body.operations.length === 0
        ? ['no unregistered operation was seen']
        : table(
            ['consumer', 'operation', 'id', 'count', 'first seen', 'last seen'],
            body.operations.map((o) => [
              o.consumer,
              o.name ?? '(anonymous)',
              o.id,
              String(o.count),
              o.firstSeen,
              o.lastSeen,
            ]),
          );
  } else {
    printError(USAGE);
    return 2;
  }

  const answer = await callAdmin(env, request, printError);
  if (!answer.ok) {
    for (const reason of (answer.refusal?.extensions?.reasons ?? []) as ManifestReason[])
      printError(`  ${reasonLine(reason)}`);
    return 1;
  }
  const body = answer.body;
  for (const line of values.json ? [JSON.stringify(body, null, 2)] : render(body)) print(line);
  return 0;
}

/** `operations[2] GetOrder (1f0c…): GRAPHQL_VALIDATION_FAILED at 1:25 Cannot query field "x" on type "Order".` */
function reasonLine(reason: ManifestReason): string {
  const operation = reason.operation;
  const where = operation
    ? `operations[${operation.index}]${operation.name ? ` ${operation.name}` : ''}${operation.id ? ` (${operation.id.slice(0, 12)}…)` : ''}: `
    : '';
  const at = reason.locations?.length
    ? ` at ${reason.locations.map((l) => `${l.line}:${l.column}`).join(', ')}`
    : '';
  return `${where}${reason.code}${at} ${reason.message}`;
}

/** Left-aligned columns, two spaces apart, under a header. */
function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => row[column].length)),
  );
  const line = (cells: string[]) =>
    cells
      .map((cell, column) => cell.padEnd(widths[column]))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line)];
}
