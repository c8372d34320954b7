/**
 * My API (partner self-service): what the signed-in consumer is, of its own only, from the
 * gateway's /admin/self routes (any identified consumer may call them; each answers the caller's
 * own data): its contract's schema (explorer and SDL), its registered operations and whether each
 * still validates against the schema it is served and against the registry's newest candidate of
 * each subgraph (the gateway reads the registry's checks for it), the deprecations they use with their sunset
 * dates, its usage, budgets and remaining quota, and the manifests it submitted, which an admin
 * approves on the Consumers page before they are registered.
 */
import { useState, type FormEvent } from 'react';
import { count, dateTime, ms, percent } from '../format';
import { describeError, LoadState, useLoad } from '../load';
import { useSession } from '../session';
import { BudgetTable, type BudgetRule } from './budget-table';
import { SchemaExplorer } from './schema-explorer';

interface SelfDeprecation {
  coordinate: string;
  reason: string;
  sunset: string;
  replacement: string | null;
  link: string | null;
  phase: 'announced' | 'brownout' | 'sunset' | 'waived';
  waiverUntil?: string;
}

type CandidateVerdict =
  | {
      available: true;
      valid: boolean;
      broken: { subgraph: string; checkId: string; reasons: string[] }[];
    }
  | { available: false; reason: string };

interface SelfOperations {
  mode: string;
  candidates: { checkId: string; subgraph: string; createdAt: string; checked: boolean }[];
  operations: {
    id: string;
    name: string;
    type: string;
    registeredAt: string;
    body: string;
    current: { valid: boolean; errors: string[] };
    candidate: CandidateVerdict;
    deprecations: SelfDeprecation[];
  }[];
}

interface SelfUsage {
  days: number;
  operations: {
    operationName: string;
    requests: number;
    errorRate: number;
    latencyMs: { p95: number | null };
  }[];
  budget: BudgetRule[] | null;
}

export interface ManifestRequestRow {
  id: string;
  consumer: string;
  status: 'pending' | 'approved' | 'rejected' | 'refused';
  submittedAt: string;
  operations: { id: string; name: string; type: string }[];
  warnings: { message: string }[];
  decision: { at: string; by: string; reason: string; reasons?: { message: string }[] } | null;
}

const PHASE_WORDS: Record<SelfDeprecation['phase'], string> = {
  announced: 'deprecated, still served',
  brownout: 'in a brownout now: refused',
  sunset: 'past its sunset: refused',
  waived: 'past its sunset, served under a waiver',
};

export function PartnerPage() {
  const { api, caller } = useSession();
  const schema = useLoad(
    () => api.admin<{ contract: string | null; sdl: string | null }>('/self/schema'),
    [],
  );
  const operations = useLoad(() => api.admin<SelfOperations>('/self/operations'), []);
  const usage = useLoad(() => api.admin<SelfUsage>('/self/usage'), []);
  const manifests = useLoad(
    () => api.admin<{ requests: ManifestRequestRow[] }>('/self/manifests'),
    [],
  );

  // Every deprecated coordinate its operations use, with the operations using it.
  const deprecations = new Map<string, { deprecation: SelfDeprecation; operations: string[] }>();
  for (const operation of operations.value?.operations ?? [])
    for (const deprecation of operation.deprecations) {
      const entry = deprecations.get(deprecation.coordinate) ?? { deprecation, operations: [] };
      entry.operations.push(operation.name);
      deprecations.set(deprecation.coordinate, entry);
    }

  return (
    <section aria-labelledby="partner-title">
      <h1 id="partner-title">My API</h1>
      <p className="hint">
        Signed in as <strong>{caller.name}</strong> ({caller.id}): everything on this page is this
        consumer&apos;s own. Contract: {caller.contract ?? 'the whole API'}; mode:{' '}
        {caller.persistedOperations}.
      </p>

      <div className="panel">
        <h2>Budget and remaining quota</h2>
        <LoadState loaded={usage} what="usage" />
        {usage.value && <BudgetTable rules={usage.value.budget} label="My budget" />}
        <h2>Usage (last {usage.value?.days ?? 7} days)</h2>
        {usage.value &&
          (usage.value.operations.length === 0 ? (
            <p className="empty">No request recorded in this window.</p>
          ) : (
            <table aria-label="My usage">
              <thead>
                <tr>
                  <th>Operation</th>
                  <th className="number">Requests</th>
                  <th className="number">Error rate</th>
                  <th className="number">p95</th>
                </tr>
              </thead>
              <tbody>
                {usage.value.operations.map((o) => (
                  <tr key={o.operationName} data-operation={o.operationName}>
                    <td>{o.operationName}</td>
                    <td className="number">{count(o.requests)}</td>
                    <td className="number">{percent(o.errorRate)}</td>
                    <td className="number">{ms(o.latencyMs.p95)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ))}
      </div>

      <div className="panel">
        <h2>Registered operations</h2>
        <LoadState loaded={operations} what="registered operations" />
        {operations.value &&
          (operations.value.operations.length === 0 ? (
            <p className="empty">No registered operation yet: submit a manifest below.</p>
          ) : (
            <table aria-label="My registered operations">
              <thead>
                <tr>
                  <th>Name</th>
                  <th>Registered</th>
                  <th>Validates against the current schema</th>
                  <th>Against the candidates</th>
                  <th>Deprecated fields it uses</th>
                </tr>
              </thead>
              <tbody>
                {operations.value.operations.map((o) => (
                  <tr key={o.id} data-operation={o.name}>
                    <td>
                      {o.name} <code title={o.id}>{o.id.slice(0, 12)}…</code>
                    </td>
                    <td>{dateTime(o.registeredAt)}</td>
                    <td data-testid="validates">
                      {o.current.valid ? 'yes' : `no: ${o.current.errors.join('; ')}`}
                    </td>
                    <td data-testid="candidates">{candidateWords(o.candidate)}</td>
                    <td>
                      {o.deprecations.length === 0
                        ? 'none'
                        : o.deprecations.map((d) => (
                            <span key={d.coordinate} className="tag">
                              {d.coordinate} (sunset {d.sunset})
                            </span>
                          ))}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          ))}
        {operations.value && operations.value.candidates.length > 0 && (
          <p className="hint">
            Candidates: the registry&apos;s newest check of{' '}
            {operations.value.candidates
              .map((c) => `${c.subgraph} (${dateTime(c.createdAt)})`)
              .join(', ')}
            .
          </p>
        )}
        <h2>Deprecations touching my operations</h2>
        {operations.value &&
          (deprecations.size === 0 ? (
            <p className="empty">None of your operations uses a deprecated field.</p>
          ) : (
            <table aria-label="Deprecations touching my operations">
              <thead>
                <tr>
                  <th>Field</th>
                  <th>Sunset</th>
                  <th>Use instead</th>
                  <th>Now</th>
                  <th>Used by</th>
                </tr>
              </thead>
              <tbody>
                {[...deprecations.values()].map(({ deprecation: d, operations: users }) => (
                  <tr key={d.coordinate} data-coordinate={d.coordinate}>
                    <td>
                      <code>{d.coordinate}</code>
                      <div className="hint">{d.reason}</div>
                    </td>
                    <td>{d.sunset}</td>
                    <td>{d.replacement ?? '—'}</td>
                    <td>
                      {PHASE_WORDS[d.phase]}
                      {d.waiverUntil ? ` until ${dateTime(d.waiverUntil)}` : ''}
                    </td>
                    <td>{users.join(', ')}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ))}
      </div>

      <SubmitManifest submitted={manifests.reload} />
      <div className="panel">
        <h2>Submitted manifests</h2>
        <LoadState loaded={manifests} what="submitted manifests" />
        {manifests.value &&
          (manifests.value.requests.length === 0 ? (
            <p className="empty">No manifest submitted.</p>
          ) : (
            <ManifestRequestTable requests={manifests.value.requests} label="My manifests" />
          ))}
      </div>

      <div className="panel">
        <h2>My schema{schema.value?.contract ? ` (contract ${schema.value.contract})` : ''}</h2>
        <LoadState loaded={schema} what="the schema" />
        {schema.value &&
          (schema.value.sdl === null ? (
            <p className="empty">Your contract exposes no fields.</p>
          ) : (
            <SchemaExplorer sdl={schema.value.sdl} label="My schema" />
          ))}
      </div>
    </section>
  );
}

/** Whether the registry's newest candidates break an operation, in words. */
function candidateWords(verdict: CandidateVerdict): string {
  if (!verdict.available) return `unknown: ${verdict.reason}`;
  if (verdict.valid) return 'yes';
  return `no: ${verdict.broken
    .map((b) => `the ${b.subgraph} candidate breaks it (${b.reasons.join('; ')})`)
    .join('; ')}`;
}

/** Submitted manifests with their status and decision. */
export function ManifestRequestTable({
  requests,
  label,
  actions,
}: {
  requests: ManifestRequestRow[];
  label: string;
  actions?: (request: ManifestRequestRow) => JSX.Element | null;
}) {
  return (
    <table aria-label={label}>
      <thead>
        <tr>
          <th>Submitted</th>
          <th>Operations</th>
          <th>Status</th>
          <th>Decision</th>
          {actions && <th>Action</th>}
        </tr>
      </thead>
      <tbody>
        {requests.map((r) => (
          <tr key={r.id} data-request={r.id} data-status={r.status}>
            <td>{dateTime(r.submittedAt)}</td>
            <td>
              {r.operations.map((o) => o.name).join(', ')}
              {r.warnings.map((w) => (
                <div key={w.message} className="hint">
                  {w.message}
                </div>
              ))}
            </td>
            <td data-testid="status">{r.status}</td>
            <td>
              {r.decision
                ? `${r.decision.by}, ${dateTime(r.decision.at)}: ${r.decision.reason}${
                    r.decision.reasons?.length
                      ? ` (not registered: ${r.decision.reasons.map((x) => x.message).join('; ')})`
                      : ''
                  }`
                : 'waiting for an admin'}
            </td>
            {actions && <td>{actions(r)}</td>}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** A manifest (Apollo's persisted query manifest JSON) sent for approval. */
function SubmitManifest({ submitted }: { submitted: () => void }) {
  const { api } = useSession();
  const [text, setText] = useState('');
  const [outcome, setOutcome] = useState<{ ok: boolean; message: string } | null>(null);
  async function submit(event: FormEvent) {
    event.preventDefault();
    let manifest: unknown;
    try {
      manifest = JSON.parse(text);
    } catch {
      setOutcome({ ok: false, message: 'That is not JSON: paste the manifest file as it is.' });
      return;
    }
    try {
      await api.admin<{ request: ManifestRequestRow }>('/self/manifests', {
        method: 'POST',
        body: manifest,
      });
      setOutcome({ ok: true, message: 'Submitted: it waits for an admin to approve it.' });
      setText('');
      submitted();
    } catch (error) {
      setOutcome({ ok: false, message: describeError(error) });
    }
  }
  return (
    <form
      className="panel"
      onSubmit={(event) => void submit(event)}
      aria-labelledby="submit-manifest-title"
    >
      <h2 id="submit-manifest-title">Submit a manifest</h2>
      <p className="hint">
        An <code>apollo-persisted-query-manifest</code> file; it is checked now and registered once
        an admin approves it.
      </p>
      <label htmlFor="manifest-text">Manifest JSON</label>
      <textarea
        id="manifest-text"
        rows={6}
        style={{ width: '100%', fontFamily: 'monospace' }}
        value={text}
        onChange={(event) => setText(event.target.value)}
      />
      <div>
        <button type="submit" disabled={text.trim() === ''}>
          Submit for approval
        </button>
      </div>
      {outcome && (
        <p role={outcome.ok ? 'status' : 'alert'} className={outcome.ok ? 'hint' : 'error'}>
          {outcome.message}
        </p>
      )}
    </form>
  );
}
