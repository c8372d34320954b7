/** The registry's answers in plain words (the CLI's default; --json prints the answers as they are). */
import { renderCheckReport } from '../checks/render-report';
import { table } from './table';

/**
 * A check report: the pipeline's own words (render-report.ts) for a full report; for a
 * composition-only one, the verdict and the composition errors with their locations.
 */
export function renderCheck(report: any, subgraph: string): string[] {
  if (Array.isArray(report?.changes)) return renderCheckReport(report).split('\n');
  const lines = [`check ${report.id} of ${subgraph}: ${report.ok ? 'PASSED' : 'FAILED'}`];
  if (report.composition && !report.composition.ok) {
    lines.push('composition: FAILED');
    for (const error of report.composition.errors ?? []) {
      const where = (error.locations ?? [])
        .map((l: any) => `${l.subgraph ? `${l.subgraph} ` : ''}${l.line}:${l.column}`)
        .join(', ');
      lines.push(
        `  ${error.code ? `${error.code}: ` : ''}${error.message}${where ? ` (at ${where})` : ''}`,
      );
    }
  } else if (report.composition) lines.push('composition: ok');
  return lines;
}

/** A refusal: its code and message, and the failed check's report when it carries one. */
export function renderRefusal(body: any, status: number, subgraph?: string): string[] {
  const error = body?.errors?.[0];
  const code = error?.extensions?.code ?? `HTTP ${status}`;
  const lines = [`${code}: ${error?.message ?? 'refused'}`];
  const check = error?.extensions?.check;
  if (check) lines.push(...renderCheck(check, subgraph ?? check.subgraph ?? ''));
  return lines;
}

export function renderSubgraphs(body: any): string[] {
  const rows = (body.subgraphs as any[]).map((s) => [
    s.subgraph,
    `v${s.version}`,
    s.url,
    s.author,
    s.createdAt,
  ]);
  return [
    `graph version ${body.version ?? '(none)'}`,
    ...table(['subgraph', 'version', 'routing url', 'author', 'published'], rows),
  ];
}

export function renderHistory(body: any): string[] {
  if (body.versions.length === 0) return ['no versions'];
  return (body.versions as any[]).map((v) => {
    const notes = [
      v.kind !== 'publish' ? v.kind : null,
      v.checkId ? `check ${v.checkId}` : null,
      v.approvalId ? `approval ${v.approvalId}` : null,
    ].filter(Boolean);
    return `v${v.version}  ${v.subgraph.padEnd(10)} ${v.createdAt}  ${v.author}: ${v.message}${notes.length ? `  (${notes.join(', ')})` : ''}`;
  });
}

export function renderDiff(body: any): string[] {
  if (!body.apiSchema && body.subgraphs.length === 0)
    return [`versions ${body.from} and ${body.to}: no change (compared sorted)`];
  const lines = [`versions ${body.from} -> ${body.to}`];
  lines.push('', 'API schema:', body.apiSchema || '  (no change)');
  for (const s of body.subgraphs)
    lines.push(
      '',
      `subgraph ${s.name} (${s.from === null ? 'added' : `v${s.from}`} -> ${s.to === null ? 'removed' : `v${s.to}`}):`,
      s.diff,
    );
  return lines;
}

export function renderPublished(body: any, subgraph: string): string[] {
  if (!body.published)
    return [`${subgraph}: unchanged; the graph stays at version ${body.version}`];
  return [
    `published ${subgraph} as graph version ${body.version}${body.approval ? ` with approval ${body.approval}` : ''} (check ${body.check.id})`,
  ];
}

export function renderApproval(body: any): string[] {
  const a = body.approval;
  return [
    `approval ${a.id} of check ${a.checkId} (${a.subgraph}) by ${a.approver}, until ${a.expiresAt}`,
    `publish the same change with --approval ${a.id}`,
  ];
}
