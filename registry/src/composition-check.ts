/**
 * The smallest check: the candidate must compose. What the registry runs when no full check
 * pipeline (registry/src/checks/) is wired in; a failure here is never approvable.
 */
import type { RunCheck } from './checks/check-report';

export const compositionOnlyCheck: RunCheck = async ({ after }) =>
  after.ok
    ? { id: '', ok: true, composition: { ok: true, errors: [] } }
    : {
        id: '',
        ok: false,
        approvalRequired: false,
        composition: { ok: false, errors: after.errors },
      };
