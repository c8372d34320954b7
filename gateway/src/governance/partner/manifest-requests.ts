/**
 * Manifests a partner submitted itself (POST /admin/self/manifests), waiting for an admin's
 * decision before anything is registered: approved, the manifest is registered exactly as the
 * admin route POST /admin/consumers/:id/operations would (checked again against the schema of that
 * moment); rejected, nothing is. Each request is kept in the governance store, so it survives a
 * restart and every replica lists it.
 *
 * Store layout: `mr:req:<id>` holds one request as JSON, without expiry (a decided request is the
 * partner's record of what happened to its manifest).
 */
import { randomUUID } from 'node:crypto';
import type { Consumer } from '../consumer';
import { GovernanceCode, GovernanceError } from '../errors';
import type { ManifestRegistry } from '../persisted-operations/manifest-registry';
import type { ManifestReason, ManifestWarning } from '../persisted-operations/operation-manifest';
import type { GovernanceStore } from '../store/governance-store';

export type ManifestRequestStatus = 'pending' | 'approved' | 'rejected' | 'refused';

/** One submitted manifest and what became of it. */
export interface ManifestRequest {
  id: string;
  consumer: string;
  status: ManifestRequestStatus;
  submittedAt: string;
  /** The signed-in person behind the partner's credential, when a JWT named one. */
  submittedBy: string | null;
  /** The operations it would register (the manifest itself is `manifest`). */
  operations: { id: string; name: string; type: string }[];
  /** Deprecated coordinates its operations use, found when it was submitted. */
  warnings: ManifestWarning[];
  manifest: unknown;
  decision: {
    at: string;
    by: string;
    reason: string;
    /** Approved: what the registration counted; refused at approval: why nothing was registered. */
    registration?: { added: number; unchanged: number; total: number };
    reasons?: ManifestReason[];
  } | null;
}

/** A request as listed: everything but the manifest text. */
export type ManifestRequestSummary = Omit<ManifestRequest, 'manifest'>;

export interface ManifestRequestsDeps {
  store: GovernanceStore;
  registry: Pick<ManifestRegistry, 'check' | 'register'>;
  now?: () => number;
}

const requestKey = (id: string) => `mr:req:${id}`;
const REQUEST_PREFIX = 'mr:req:';
/** The longest decision reason kept (characters). */
const MAX_REASON_LENGTH = 500;

export function createManifestRequests(deps: ManifestRequestsDeps) {
  const now = deps.now ?? Date.now;
  const { store } = deps;

  async function read(id: string): Promise<ManifestRequest | null> {
    // Ids are UUIDs: anything else names no request (and never reaches the store as a key).
    if (!/^[0-9a-f-]{36}$/.test(id)) return null;
    const text = await store.get(requestKey(id));
    return text ? (JSON.parse(text) as ManifestRequest) : null;
  }

  const summary = ({ manifest: _manifest, ...rest }: ManifestRequest): ManifestRequestSummary =>
    rest;

  return {
    /**
     * Keeps `manifest` as a pending request of `consumer` once it passes every check registration
     * makes now; a manifest that would be refused is refused here (422 MANIFEST_INVALID, nothing kept).
     */
    async submit(consumer: Consumer, manifest: unknown): Promise<ManifestRequestSummary> {
      const checked = deps.registry.check(consumer, manifest);
      if (!checked.ok)
        throw new GovernanceError(
          GovernanceCode.MANIFEST_INVALID,
          `The manifest was refused (${checked.reasons.length} ${checked.reasons.length === 1 ? 'problem' : 'problems'}); nothing was submitted`,
          { status: 422, details: { consumer: consumer.id, reasons: checked.reasons } },
        );
      const request: ManifestRequest = {
        id: randomUUID(),
        consumer: consumer.id,
        status: 'pending',
        submittedAt: new Date(now()).toISOString(),
        submittedBy: consumer.principal ?? null,
        operations: checked.reading.entries.map(({ operation: { id, name, type } }) => ({
          id,
          name,
          type,
        })),
        warnings: checked.warnings,
        manifest,
        decision: null,
      };
      await store.set(requestKey(request.id), JSON.stringify(request));
      return summary(request);
    },

    /** The requests of `consumerId` (every consumer's when null), newest first, without their manifests. */
    async list(consumerId: string | null): Promise<ManifestRequestSummary[]> {
      const texts = await Promise.all(
        (await store.keys(REQUEST_PREFIX)).map((key) => store.get(key)),
      );
      return texts
        .flatMap((text) => (text ? [JSON.parse(text) as ManifestRequest] : []))
        .filter((request) => consumerId === null || request.consumer === consumerId)
        .sort((a, b) => b.submittedAt.localeCompare(a.submittedAt))
        .map(summary);
    },

    /**
     * An admin's decision on a pending request. Approving registers the manifest for the consumer
     * (checked against the schema of now: a manifest that no longer validates is `refused`, with
     * its reasons, and nothing is registered). 404 for no such request, 409 once decided.
     */
    async decide(
      id: string,
      verdict: 'approve' | 'reject',
      by: string,
      reason: string,
      consumerOf: (id: string) => Consumer | null,
    ): Promise<ManifestRequestSummary> {
      const request = await read(id);
      if (!request)
        throw new GovernanceError(GovernanceCode.NOT_FOUND, `No manifest request "${id}"`, {
          status: 404,
          details: { request: id },
        });
      if (request.status !== 'pending')
        throw new GovernanceError(
          GovernanceCode.MANIFEST_REQUEST_DECIDED,
          `Manifest request "${id}" was already decided (${request.status})`,
          { status: 409, details: { request: id, status: request.status } },
        );
      const at = new Date(now()).toISOString();
      const kept = reason.slice(0, MAX_REASON_LENGTH);
      if (verdict === 'reject') {
        request.status = 'rejected';
        request.decision = { at, by, reason: kept };
      } else {
        const consumer = consumerOf(request.consumer);
        if (!consumer)
          throw new GovernanceError(
            GovernanceCode.CONSUMER_NOT_FOUND,
            `Consumer "${request.consumer}" is no longer declared in the governance config`,
            { status: 404, details: { consumer: request.consumer, request: id } },
          );
        const result = await deps.registry.register(consumer, request.manifest);
        if (result.ok) {
          request.status = 'approved';
          request.decision = {
            at,
            by,
            reason: kept,
            registration: { added: result.added, unchanged: result.unchanged, total: result.total },
          };
        } else {
          request.status = 'refused';
          request.decision = { at, by, reason: kept, reasons: result.reasons };
        }
      }
      await store.set(requestKey(id), JSON.stringify(request));
      return summary(request);
    },
  };
}

export type ManifestRequests = ReturnType<typeof createManifestRequests>;
