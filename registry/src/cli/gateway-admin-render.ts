/** A gateway admin API's answers in plain words (--json prints the answers as they are). */
import type { ManifestReason } from '@switchyard/gateway/src/governance/persisted-operations/operation-manifest';
import type { StoredOperation } from '@switchyard/gateway/src/governance/persisted-operations/manifest-registry';
import type { UnknownOperation } from '@switchyard/gateway/src/governance/persisted-operations/unknown-operations';
import type { StageReport } from '@switchyard/gateway/src/governance/usage/stage-sla';
import type {
  DeprecatedUsageReport,
  FieldUsageReport,
  OperationsReport,
} from '@switchyard/gateway/src/governance/usage/usage-reports';
import type { UsageTimeline } from '@switchyard/gateway/src/governance/usage/usage-timeline';
import { table } from './table';

/**
 * A refusal: `422 MANIFEST_INVALID: …`, then one line per reason of a refused manifest:
 * `operations[2] GetOrder (1f0c…): GRAPHQL_VALIDATION_FAILED at 1:25 Cannot query field "x" on type "Order".`
 */
export function renderAdminRefusal(body: any, status: number): string[] {
  const refusal = body?.errors?.[0];
  const head = `${status} ${refusal?.extensions?.code ?? ''}: ${refusal?.message ?? JSON.stringify(body)}`;
  const reasons = refusal?.extensions?.reasons;
  return [
    head.trim(),
    ...(Array.isArray(reasons) ? (reasons as ManifestReason[]) : []).map(
      (reason) => `  ${reasonLine(reason)}`,
    ),
  ];
}

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

export function renderRegistered(body: {
  consumer: string;
  received: number;
  added: number;
  unchanged: number;
  total: number;
  /** Operations that select a deprecated coordinate (accepted; the message names the sunset). */
  warnings?: { message: string }[];
}): string[] {
  return [
    `registered ${body.received} operations for ${body.consumer}: ${body.added} added, ${body.unchanged} already registered; ${body.total} in all`,
    ...(body.warnings ?? []).map((warning) => `warning: ${warning.message}`),
  ];
}

export function renderOperationList(body: {
  consumer: string;
  mode: string;
  operations: Omit<StoredOperation, 'body'>[];
  /** Operations the gateway still served but its store had lost (a Redis back empty), written back before this list. */
  restored?: { id: string; name: string }[];
}): string[] {
  return [
    `${body.consumer} (${body.mode}): ${body.operations.length} registered operations`,
    ...(body.restored?.length
      ? [
          `restored ${body.restored.length} the governance store had lost, from the gateway's copy: ${body.restored.map((o) => o.name).join(', ')}`,
        ]
      : []),
    ...table(
      ['name', 'type', 'id', 'registered'],
      body.operations.map((o) => [o.name, o.type, o.id, o.registeredAt]),
      { rule: true },
    ),
  ];
}

export function renderUnknownOperations(body: { operations: UnknownOperation[] }): string[] {
  if (body.operations.length === 0) return ['no unregistered operation was seen'];
  return table(
    ['consumer', 'operation', 'id', 'count', 'first seen', 'last seen'],
    body.operations.map((o) => [
      o.consumer,
      o.name ?? '(anonymous)',
      o.id,
      o.count,
      o.firstSeen,
      o.lastSeen,
    ]),
    { rule: true },
  );
}

export function renderFieldUsage(report: FieldUsageReport): string[] {
  const heading = `${report.coordinate}: ${report.requests} requests in ${report.days} days${report.inSchema ? '' : ' (not in the current schema)'}${
    report.deprecationReason ? ` (deprecated: ${report.deprecationReason})` : ''
  }`;
  const rows = report.consumers.flatMap((c) =>
    c.operations.map((o) => [
      c.consumer,
      o.operationName || '(anonymous)',
      shortId(o.operationId),
      o.clients.join(', '),
      o.requests,
    ]),
  );
  return [
    heading,
    ...table(['consumer', 'operation', 'id', 'clients', 'requests'], rows, { rule: true }),
  ];
}

export function renderDeprecatedUsage(report: DeprecatedUsageReport): string[] {
  if (report.fields.length === 0)
    return [`no deprecated field was used in the last ${report.days} days`];
  const rows = report.fields.flatMap((f) =>
    f.consumers.map((c) => [
      f.coordinate,
      f.deprecationReason,
      c.consumer,
      c.operations.map((o) => o.operationName || '(anonymous)').join(', '),
      c.requests,
    ]),
  );
  return table(['field', 'deprecation', 'consumer', 'operations', 'requests'], rows, {
    rule: true,
  });
}

export function renderOperationsUsage(report: OperationsReport): string[] {
  const rows = report.operations.map((o) => [
    o.consumer,
    o.operationName || '(anonymous)',
    shortId(o.operationId),
    o.requests,
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
    { rule: true },
  );
}

/** Each consumer's requests, errors and p95 per usage bucket that had any, then errors by code. */
export function renderUsageTimeline(timeline: UsageTimeline): string[] {
  const rows = timeline.bucketStarts.flatMap((start, slot) =>
    timeline.consumers
      .filter((c) => c.requests[slot] > 0 || c.errors[slot] > 0)
      .map((c) => [
        new Date(start).toISOString().slice(0, 16).replace('T', ' '),
        c.consumer,
        c.requests[slot],
        c.errors[slot],
        ms(c.p95Ms[slot]),
      ]),
  );
  if (rows.length === 0) return [`no request in the last ${timeline.hours} hours`];
  return [
    ...table(['bucket (UTC)', 'consumer', 'requests', 'with errors', 'p95'], rows, { rule: true }),
    `errors by code: ${timeline.errorsByCode.map((e) => `${e.code}×${e.count}`).join(' ') || 'none'}`,
  ];
}

export function renderStageUsage(report: StageReport): string[] {
  const rows = report.stages.flatMap((s) => [
    [
      s.stage,
      '(all)',
      s.requests,
      percent(s.errorRate),
      ms(s.latencyMs.p95),
      s.sla ? `p95 ≤ ${s.sla.p95Ms}ms, errors ≤ ${percent(s.sla.errorRate)}` : '-',
      s.breached ? `BREACHED (${s.breaches.join(', ')})` : 'ok',
    ],
    ...s.consumers.map((c) => [
      '',
      c.consumer,
      c.requests,
      percent(c.errorRate),
      ms(c.latencyMs.p95),
      '',
      c.breached ? `BREACHED (${c.breaches.join(', ')})` : 'ok',
    ]),
  ]);
  return table(['stage', 'consumer', 'requests', 'errors', 'p95', 'SLA', 'status'], rows, {
    rule: true,
  });
}

interface BudgetAnswer {
  consumer: string;
  tier: string;
  action?: string;
  changes?: { window: string; measure: string; usedBefore: number; usedAfter: number }[];
  rules: {
    window: string;
    measure: string;
    limit: number;
    used: number;
    remaining: number;
    windowEnd: string;
  }[];
}

/** What a reset or top-up changed, then where each budget's current window stands. */
export function renderBudget(body: BudgetAnswer): string[] {
  return [
    ...(body.changes ?? []).map(
      (change) =>
        `${body.action} ${body.consumer} ${change.measure} per ${change.window}: used ${change.usedBefore} → ${change.usedAfter}`,
    ),
    `${body.consumer} (tier ${body.tier})`,
    ...body.rules.map(
      (rule) =>
        `  ${rule.measure} per ${rule.window}: ${rule.used} of ${rule.limit} used, ${rule.remaining} left until ${rule.windowEnd}`,
    ),
  ];
}

const shortId = (id: string) => (id.length > 16 ? `${id.slice(0, 12)}…` : id);
const percent = (rate: number) => `${(rate * 100).toFixed(rate > 0 && rate < 0.001 ? 3 : 1)}%`;
const ms = (value: number | null) => (value === null ? '-' : `${value}ms`);
