import { callAdmin } from './admin-client';
/**
 * `switchyard usage <report>`: usage reports of a running gateway, read from its admin API
 * (SWITCHYARD_URL, default http://127.0.0.1:4000; SWITCHYARD_ADMIN_KEY sent as `x-api-key`) and
 * printed as tables, or as the JSON answer with `--json`.
 */
import { parseArgs } from 'node:util';
import type { StageReport } from '../governance/usage/stage-sla';
import type {
  DeprecatedUsageReport,
  FieldUsageReport,
  OperationsReport,
} from '../governance/usage/usage-reports';

const USAGE = `usage: switchyard usage <report> [--json]
  field <Type.field> [--days 7]          consumers and operations that used a field
  deprecated [--days 30]                 deprecated fields still in use, and by whom
  operations [--consumer ID] [--days 7] [--limit 20]
                                         top operations: requests, error rate, p50/p95/p99 latency
  stages [--days 7]                      latency, errors and volume per order-to-cash stage against its SLA`;

export interface CommandIo {
  env?: NodeJS.ProcessEnv;
  print?: (line: string) => void;
  printError?: (line: string) => void;
}

/** Runs one report; answers the exit code (0 done, 1 the gateway refused or did not answer, 2 bad arguments). */
export async function usageCommand(argv: string[], io: CommandIo = {}): Promise<number> {
  const env = io.env ?? process.env;
  const print = io.print ?? ((line: string) => console.log(line));
  const printError = io.printError ?? ((line: string) => console.error(line));

  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        days: { type: 'string' },
        consumer: { type: 'string' },
        limit: { type: 'string' },
        json: { type: 'boolean' },
      },
    });
  } catch (error) {
    printError(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  const [report, subject, ...extra] = positionals;
  const query = new URLSearchParams();
  if (values.days !== undefined) query.set('days', values.days);

  let path: string;
  let render: (body: any) => string[];
  if (report === 'field' && subject && extra.length === 0) {
    path = `/admin/usage/fields/${encodeURIComponent(subject)}`;
    render = fieldTable;
  } else if (report === 'deprecated' && !subject) {
    path = '/admin/usage/deprecated';
    render = deprecatedTable;
  } else if (report === 'operations' && !subject) {
    if (values.consumer) query.set('consumer', values.consumer);
    if (values.limit) query.set('limit', values.limit);
    path = '/admin/usage/operations';
    render = operationsTable;
  } else if (report === 'stages' && !subject) {
    path = '/admin/usage/stages';
    render = stagesTable;
  } else {
    printError(USAGE);
    return 2;
  }

  const answer = await callAdmin(
    env,
    { path: `${path}${query.size > 0 ? `?${query}` : ''}` },
    printError,
  );
  if (!answer.ok) return 1;
  const body = answer.body;
  for (const line of values.json ? [JSON.stringify(body, null, 2)] : render(body)) print(line);
  return 0;
}

function fieldTable(report: FieldUsageReport): string[] {
  const heading = `${report.coordinate}: ${report.requests} requests in ${report.days} days${report.inSchema ? '' : ' (not in the current schema)'}${
    report.deprecationReason ? ` (deprecated: ${report.deprecationReason})` : ''
  }`;
  const rows = report.consumers.flatMap((c) =>
    c.operations.map((o) => [
      c.consumer,
      o.operationName || '(anonymous)',
      shortId(o.operationId),
      o.clients.join(', '),
      String(o.requests),
    ]),
  );
  return [heading, ...table(['consumer', 'operation', 'id', 'clients', 'requests'], rows)];
}

function deprecatedTable(report: DeprecatedUsageReport): string[] {
  if (report.fields.length === 0)
    return [`no deprecated field was used in the last ${report.days} days`];
  const rows = report.fields.flatMap((f) =>
    f.consumers.map((c) => [
      f.coordinate,
      f.deprecationReason,
      c.consumer,
      c.operations.map((o) => o.operationName || '(anonymous)').join(', '),
      String(c.requests),
    ]),
  );
  return table(['field', 'deprecation', 'consumer', 'operations', 'requests'], rows);
}

function operationsTable(report: OperationsReport): string[] {
  const rows = report.operations.map((o) => [
    o.consumer,
    o.operationName || '(anonymous)',
    shortId(o.operationId),
    String(o.requests),
    percent(o.errorRate),
    ms(o.latencyMs.p50),
    ms(o.latencyMs.p95),
    ms(o.latencyMs.p99),
    Object.entries(o.errorsByCode)
      .map(([code, n]) => `${code}×${n}`)
      .join(' '),
  ]);
  return table(
    ['consumer', 'operation', 'id', 'requests', 'errors', 'p50', 'p95', 'p99', 'error codes'],
    rows,
  );
}

function stagesTable(report: StageReport): string[] {
  const rows = report.stages.flatMap((s) => [
    [
      s.stage,
      '(all)',
      String(s.requests),
      percent(s.errorRate),
      ms(s.latencyMs.p95),
      s.sla ? `p95 ≤ ${s.sla.p95Ms}ms, errors ≤ ${percent(s.sla.errorRate)}` : '-',
      s.breached ? `BREACHED (${s.breaches.join(', ')})` : 'ok',
    ],
    ...s.consumers.map((c) => [
      '',
      c.consumer,
      String(c.requests),
      percent(c.errorRate),
      ms(c.latencyMs.p95),
      '',
      c.breached ? `BREACHED (${c.breaches.join(', ')})` : 'ok',
    ]),
  ]);
  return table(['stage', 'consumer', 'requests', 'errors', 'p95', 'SLA', 'status'], rows);
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

const shortId = (id: string) => (id.length > 16 ? `${id.slice(0, 12)}…` : id);
const percent = (rate: number) => `${(rate * 100).toFixed(rate > 0 && rate < 0.001 ? 3 : 1)}%`;
const ms = (value: number | null) => (value === null ? '-' : `${value}ms`);
