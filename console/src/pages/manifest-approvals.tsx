/**
 * Manifests a consumer submitted itself (the partner page), waiting for an admin: approve
 * (registered then, checked again against the schema of now) or reject, each with a reason
 * (GET /admin/manifest-requests, POST /admin/manifest-requests/:id/approve|reject; audited).
 */
import { useState } from 'react';
import { describeError, LoadState, useLoad } from '../load';
import { SCOPES, useSession } from '../session';
import { ManifestRequestTable, type ManifestRequestRow } from './partner-page';

export function ManifestApprovals({ consumerId }: { consumerId: string }) {
  const { api, holds } = useSession();
  const requests = useLoad(
    () =>
      api.admin<{ requests: ManifestRequestRow[] }>(
        `/manifest-requests?consumer=${encodeURIComponent(consumerId)}`,
      ),
    [consumerId],
  );
  const [reason, setReason] = useState('');
  const [outcome, setOutcome] = useState<string | null>(null);
  const mayDecide = holds(SCOPES.admin);

  async function decide(id: string, verdict: 'approve' | 'reject') {
    try {
      const { request } = await api.admin<{ request: ManifestRequestRow }>(
        `/manifest-requests/${id}/${verdict}`,
        { method: 'POST', body: { reason } },
      );
      setOutcome(`Request ${request.id.slice(0, 8)}: ${request.status}.`);
      setReason('');
      requests.reload();
    } catch (error) {
      setOutcome(describeError(error));
    }
  }

  return (
    <div aria-label="Submitted manifests" data-testid="manifest-approvals">
      <h3>Submitted manifests</h3>
      <LoadState loaded={requests} what="submitted manifests" />
      {requests.value &&
        (requests.value.requests.length === 0 ? (
          <p className="empty">No manifest submitted by this consumer.</p>
        ) : (
          <>
            {mayDecide && (
              <div className="toolbar">
                <div>
                  <label htmlFor="manifest-decision-reason">Reason for the decision</label>
                  <input
                    id="manifest-decision-reason"
                    value={reason}
                    onChange={(event) => setReason(event.target.value)}
                  />
                </div>
              </div>
            )}
            <ManifestRequestTable
              requests={requests.value.requests}
              label="Submitted manifests"
              actions={(request) =>
                mayDecide && request.status === 'pending' ? (
                  <>
                    <button
                      type="button"
                      disabled={reason.trim() === ''}
                      onClick={() => void decide(request.id, 'approve')}
                    >
                      Approve
                    </button>{' '}
                    <button
                      type="button"
                      className="secondary"
                      disabled={reason.trim() === ''}
                      onClick={() => void decide(request.id, 'reject')}
                    >
                      Reject
                    </button>
                  </>
                ) : null
              }
            />
          </>
        ))}
      {outcome && <p role="status">{outcome}</p>}
    </div>
  );
}
