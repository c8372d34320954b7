/**
 * The fingerprint an approval binds to: a sha-256 of the change set (the subgraph, each breaking or
 * dangerous change's type, coordinate and schemas, each governance rule failure, each registered
 * operation the change breaks, each contract replay regression by operation, kind and path, or a
 * replay that could not run) and of the consumers it affects (those seen using a changed
 * coordinate, and those whose use is unknown). Sorted, and without counts or times, so a rerun of
 * the same change against the same consumers gives the same fingerprint; a different change, or a
 * consumer newly affected, gives another, and the approval no longer covers it.
 */
import { createHash } from 'node:crypto';
import type { CheckSections } from './check-report';

export const DEFAULT_APPROVAL_TTL_MS = 7 * 86_400_000;

type FingerprintInput = Pick<
  CheckSections,
  'subgraph' | 'changes' | 'usage' | 'operations' | 'rules' | 'replay'
>;

export function changeFingerprint(report: FingerprintInput): string {
  const sorted = (items: string[]) => [...new Set(items)].sort();
  const canonical = {
    subgraph: report.subgraph,
    changes: sorted(
      report.changes
        .filter((change) => change.level !== 'safe')
        .map((c) => [c.level, c.type, c.coordinate, [...c.schemas].sort().join(',')].join('|')),
    ),
    rules: sorted(
      report.rules.map((r) =>
        [r.rule, r.coordinate ?? '', r.consumer ?? '', r.operationId ?? ''].join('|'),
      ),
    ),
    operations: sorted(
      report.operations.failures.map((f) => [f.consumer, f.operationId, f.schema].join('|')),
    ),
    affectedConsumers: sorted([
      ...report.usage.flatMap((impact) => impact.consumers.map((c) => c.consumer)),
      ...report.operations.failures.map((f) => f.consumer),
      ...report.rules.flatMap((r) => (r.consumer ? [r.consumer] : [])),
      ...(report.replay?.regressions.flatMap((r) => r.consumers) ?? []),
    ]),
    unknownConsumers: sorted([
      ...report.usage.flatMap((impact) => impact.unknown.map((u) => u.consumer)),
      ...report.operations.unavailable.map((u) => u.consumer),
    ]),
    // Only in a check given an endpoint: the fingerprints of the others are what they were before replays.
    ...(report.replay
      ? {
          replay: sorted(
            report.replay.available
              ? report.replay.regressions.map((r) =>
                  [r.subgraphOperation, r.kind, r.path, r.coordinate ?? ''].join('|'),
                )
              : ['unavailable'],
          ),
        }
      : {}),
  };
  return `sha256:${createHash('sha256').update(JSON.stringify(canonical)).digest('hex')}`;
}

export interface Approval {
  fingerprint: string;
  /** When it was given (ISO string, Date or ms). */
  approvedAt: string | Date | number;
  /** When it stops holding; default `approvedAt` plus the TTL. */
  expiresAt?: string | Date | number;
}

export type ApprovalProblem = 'not-approvable' | 'other-change' | 'expired';

/** Why `approval` does not let `report`'s change through, or null when it does. */
export function approvalProblem(
  approval: Approval,
  report: { ok: boolean; approvalRequired?: boolean; fingerprint?: string },
  now: Date | number = Date.now(),
  options: { ttlMs?: number } = {},
): ApprovalProblem | null {
  if (report.approvalRequired !== true || !report.fingerprint) return 'not-approvable';
  if (approval.fingerprint !== report.fingerprint) return 'other-change';
  const expiresAt =
    approval.expiresAt !== undefined
      ? new Date(approval.expiresAt).getTime()
      : new Date(approval.approvedAt).getTime() + (options.ttlMs ?? DEFAULT_APPROVAL_TTL_MS);
  if (!(new Date(now).getTime() < expiresAt)) return 'expired';
  return null;
}

/** Whether `approval` lets a failing `report` through: same fingerprint, approvable, not expired. */
export function approvalCovers(
  approval: Approval,
  report: { ok: boolean; approvalRequired?: boolean; fingerprint?: string },
  now: Date | number = Date.now(),
  options: { ttlMs?: number } = {},
): boolean {
  return approvalProblem(approval, report, now, options) === null;
}
