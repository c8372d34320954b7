/**
 * A check report in plain words, for people and CI logs (the CLI prints it unless --json): the
 * verdict first, then each part of the check, then why it fails.
 */
import type { PipelineReport } from './check-report';
import { spanText } from './check-policy';

export function renderCheckReport(report: PipelineReport): string {
  const lines: string[] = [];
  const out = (text = '') => lines.push(text);
  const verdict = report.ok
    ? 'PASSED'
    : report.approvalRequired
      ? 'FAILED: it needs an approval (switchyard check approve ' +
        `${report.id || '<check id>'} --reason <text>)`
      : 'FAILED: nothing can approve it';
  out(`Check ${report.id || '(not saved)'} of subgraph "${report.subgraph}": ${verdict}`);
  if (report.fingerprint) out(`Fingerprint: ${report.fingerprint}`);

  out();
  if (!report.composition.ok) {
    out('Composition: FAILED');
    for (const error of report.composition.errors) {
      const where = (error.locations ?? [])
        .map((l) => `${l.subgraph ? `${l.subgraph} ` : ''}${l.line}:${l.column}`)
        .join(', ');
      out(
        `  ${error.code ? `${error.code}: ` : ''}${error.message}${where ? ` (at ${where})` : ''}`,
      );
    }
  } else out('Composition: ok');

  const count = (level: string) => report.changes.filter((c) => c.level === level).length;
  out();
  out(
    `Changes (API schema and contracts): ${count('breaking')} breaking, ${count('dangerous')} dangerous, ${count('safe')} safe`,
  );
  for (const change of report.changes)
    out(
      `  ${change.level.toUpperCase().padEnd(9)} ${change.coordinate}: ${change.message} [${change.schemas.join(', ')}]`,
    );

  if (report.usage.length > 0) {
    out();
    out('Usage impact (each consumer over its own window):');
    for (const impact of report.usage) {
      out(`  ${impact.coordinate} (${impact.level}, ${impact.changeType}):`);
      if (impact.consumers.length === 0 && impact.unknown.length === 0)
        out('    not used by any consumer in its window');
      for (const consumer of impact.consumers) {
        out(
          `    ${consumer.consumer}: ${consumer.requests} requests within its window of ${spanText(consumer.windowDays)}, last seen ${consumer.lastSeen}`,
        );
        for (const operation of consumer.operations)
          out(
            `      operation ${operation.operationName || '(anonymous)'} [${operation.operationId.slice(0, 12)}]: ${operation.requests} requests, last seen ${operation.lastSeen}`,
          );
      }
      for (const unknown of impact.unknown)
        out(`    ${unknown.consumer}: UNKNOWN, ${unknown.reason}`);
    }
  }

  const coverage = report.usageCoverage;
  if (report.composition.ok) {
    out();
    if (!coverage.available) out(`Usage data: UNAVAILABLE (${coverage.reason ?? 'not read'})`);
    else {
      out(`Usage data (kept ${coverage.retentionDays} days):`);
      for (const consumer of coverage.consumers)
        out(
          `  ${consumer.consumer}: ${consumer.complete ? 'whole window' : `${spanText(consumer.knownDays)} of ${spanText(consumer.windowDays)}`} known${consumer.persistedOnly ? ' (registered operations only: judged by them)' : ''}`,
        );
    }
  }

  const operations = report.operations;
  if (report.composition.ok) {
    out();
    out(
      `Registered operations: ${operations.checked} checked, ${operations.failures.length} broken by this change`,
    );
    for (const failure of operations.failures)
      out(
        `  ${failure.consumer} ${failure.operationName} [${failure.schema}]: ${failure.reasons.join('; ')}`,
      );
    for (const failure of operations.alreadyFailing)
      out(
        `  (already failing) ${failure.consumer} ${failure.operationName}: ${failure.reasons.join('; ')}`,
      );
    for (const { consumer, reason } of operations.unavailable)
      out(`  ${consumer}: could not be read (${reason})`);

    out();
    out(
      `Governance rules: ${report.rules.length === 0 ? 'none broken' : `${report.rules.length} broken`}`,
    );
    for (const rule of report.rules) out(`  ${rule.rule}: ${rule.message}`);
  }

  const replay = report.replay;
  if (replay) {
    out();
    if (!replay.available)
      out(`Contract replay against ${replay.endpoint}: COULD NOT RUN (${replay.reason})`);
    else {
      out(
        `Contract replay against ${replay.endpoint} (beside ${replay.current}): ${replay.replayed} samples of ${replay.operations} operations replayed, ${replay.skipped} skipped, ${replay.regressions.length} ${replay.regressions.length === 1 ? 'regression' : 'regressions'}`,
      );
      for (const r of replay.regressions)
        out(
          `  ${r.operation} (${r.subgraphOperation}): ${r.kind} at ${r.path || '(root)'}${r.coordinate ? ` [${r.coordinate}]` : ''}: ${r.detail}; ${r.samples} ${r.samples === 1 ? 'sample' : 'samples'} of ${r.consumers.join(', ')}`,
        );
    }
  }

  if (report.failures.length > 0) {
    out();
    out('Why it fails:');
    for (const failure of report.failures) out(`  - ${failure}`);
  }
  if (report.warnings.length > 0) {
    out();
    out('Warnings:');
    for (const warning of report.warnings) out(`  - ${warning}`);
  }
  return `${lines.join('\n')}\n`;
}
