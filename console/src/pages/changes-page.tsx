/**
 * Changes: the registry's check runs with their findings (failures, schema changes, who a change
 * breaks) and approvals; approving a failing check with a reason (schema:approve, POST
 * /checks/:id/approve); the graph's history with rollback (schema:publish:<subgraph>); a diff of
 * two graph versions (GET /diff); deprecations with their sunset, brownouts, waivers and who still
 * uses them (GET /deprecations/report). Everything through the gateway's registry proxy, with the
 * signed-in credential; the registry decides, and the buttons follow its GET /whoami scopes.
 */
import { useState } from 'react';
import { ApiError } from '../api';
import { count, dateTime } from '../format';
import { describeError, LoadState, useLoad } from '../load';
import { useSession } from '../session';

interface RegistryCaller {
  id: string;
  scopes: string[];
}

interface SchemaChange {
  level: 'breaking' | 'dangerous' | 'safe';
  coordinate: string;
  message: string;
}

interface CheckRow {
  check: {
    id: string;
    ok: boolean;
    approvalRequired?: boolean;
    failures?: string[];
    warnings?: string[];
    changes?: SchemaChange[];
    usage?: { coordinate: string; consumers: { consumer: string; requests: number }[] }[];
    operations?: { failures: { consumer: string; operationName: string; reasons: string[] }[] };
  };
  subgraph: string;
  approvable: boolean;
  author: string;
  createdAt: string;
  approvals: {
    id: string;
    approver: string;
    reason: string;
    createdAt: string;
    expiresAt: string;
  }[];
}

interface VersionRow {
  subgraph: string;
  version: number;
  graphVersion?: number;
  author: string;
  message: string;
  createdAt: string;
  approvalId?: string | null;
}

interface DiffAnswer {
  from: number;
  to: number;
  apiSchema: string;
  subgraphs: { name: string; from: number | null; to: number | null; diff: string }[];
}

interface DeprecationRow {
  coordinate: string;
  reason: string;
  sunset: string;
  replacement: string | null;
  state: 'announced' | 'brownout' | 'sunset';
  brownouts: { start: string; end: string }[];
  waivers: {
    id: string;
    consumer: string;
    until: string;
    reason: string;
    revokedAt: string | null;
  }[];
  usage: {
    available: boolean;
    reason?: string;
    users: { consumer: string; requests: number; lastSeen: string }[];
  };
}

const mayPublish = (scopes: string[], subgraph: string) =>
  scopes.includes('schema:publish:*') || scopes.includes(`schema:publish:${subgraph}`);

export function ChangesPage() {
  const { api } = useSession();
  const me = useLoad(() => api.registry<RegistryCaller>('/whoami'), []);
  const scopes = me.value?.scopes ?? [];
  return (
    <section aria-labelledby="changes-title">
      <h1 id="changes-title">Changes</h1>
      <LoadState loaded={me} what="your registry access" />
      {me.value && (
        <p className="hint">
          Registry scopes of {me.value.id}: {scopes.join(', ') || 'none'}.
        </p>
      )}
      <CheckRuns mayApprove={scopes.includes('schema:approve')} />
      <History scopes={scopes} />
      <Diff />
      <Deprecations />
    </section>
  );
}

function CheckRuns({ mayApprove }: { mayApprove: boolean }) {
  const { api } = useSession();
  const checks = useLoad(() => api.registry<{ checks: CheckRow[] }>('/checks?limit=30'), []);
  const [open, setOpen] = useState<string | null>(null);
  const [reason, setReason] = useState('');
  const [outcome, setOutcome] = useState<string | null>(null);

  async function approve(id: string) {
    try {
      const { approval } = await api.registry<{ approval: { id: string; expiresAt: string } }>(
        `/checks/${id}/approve`,
        { method: 'POST', body: { reason } },
      );
      setOutcome(
        `Approved: approval ${approval.id} lets this change publish until ${dateTime(approval.expiresAt)}.`,
      );
      setReason('');
      checks.reload();
    } catch (error) {
      setOutcome(describeError(error));
    }
  }

  return (
    <div className="panel">
      <h2>Check runs and publishes</h2>
      <LoadState loaded={checks} what="check runs" />
      {checks.value &&
        (checks.value.checks.length === 0 ? (
          <p className="empty">No check has run yet.</p>
        ) : (
          <>
            {mayApprove && (
              <div className="toolbar">
                <div>
                  <label htmlFor="approval-reason">Reason for an approval</label>
                  <input
                    id="approval-reason"
                    size={50}
                    value={reason}
                    onChange={(event) => setReason(event.target.value)}
                  />
                </div>
              </div>
            )}
            <table aria-label="Check runs">
              <thead>
                <tr>
                  <th>When</th>
                  <th>Subgraph</th>
                  <th>By</th>
                  <th>Result</th>
                  <th>Findings</th>
                  <th>Action</th>
                </tr>
              </thead>
              <tbody>
                {checks.value.checks.map((run) => {
                  const changes = run.check.changes ?? [];
                  const breaking = changes.filter((c) => c.level === 'breaking').length;
                  const approved = run.approvals.length > 0;
                  const result = run.check.ok
                    ? 'passed'
                    : approved
                      ? 'failed, approved'
                      : run.approvable
                        ? 'failed, needs approval'
                        : 'failed';
                  return (
                    <tr key={run.check.id} data-check={run.check.id} data-result={result}>
                      <td>{dateTime(run.createdAt)}</td>
                      <td>{run.subgraph}</td>
                      <td>{run.author}</td>
                      <td data-testid="result">{result}</td>
                      <td>
                        {count(changes.length)} changes ({count(breaking)} breaking)
                        {(run.check.failures ?? []).map((failure) => (
                          <div key={failure} className="error">
                            {failure}
                          </div>
                        ))}
                        {run.approvals.map((a) => (
                          <div key={a.id} className="hint">
                            Approved by {a.approver}: {a.reason} (approval <code>{a.id}</code>,
                            until {dateTime(a.expiresAt)})
                          </div>
                        ))}
                        {open === run.check.id && <CheckDetails run={run} />}
                      </td>
                      <td>
                        <button
                          type="button"
                          className="secondary"
                          aria-expanded={open === run.check.id}
                          onClick={() => setOpen(open === run.check.id ? null : run.check.id)}
                        >
                          {open === run.check.id ? 'Hide' : 'Details'}
                        </button>{' '}
                        {mayApprove && !run.check.ok && run.approvable && !approved && (
                          <button
                            type="button"
                            disabled={reason.trim() === ''}
                            onClick={() => void approve(run.check.id)}
                          >
                            Approve
                          </button>
                        )}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
            {!mayApprove && (
              <p className="hint">
                Approving a failing check needs the schema:approve scope, which you do not hold.
              </p>
            )}
          </>
        ))}
      {outcome && <p role="status">{outcome}</p>}
    </div>
  );
}

function CheckDetails({ run }: { run: CheckRow }) {
  const changes = run.check.changes ?? [];
  const broken = run.check.operations?.failures ?? [];
  return (
    <div data-testid="check-details">
      {changes.length > 0 && (
        <ul aria-label="Schema changes">
          {changes.map((c) => (
            <li key={`${c.coordinate}-${c.message}`}>
              <span className="tag">{c.level}</span> <code>{c.coordinate}</code>: {c.message}
            </li>
          ))}
        </ul>
      )}
      {(run.check.usage ?? [])
        .filter((u) => u.consumers.length > 0)
        .map((u) => (
          <div key={u.coordinate}>
            <code>{u.coordinate}</code> is used by{' '}
            {u.consumers.map((c) => `${c.consumer} (${count(c.requests)} requests)`).join(', ')}
          </div>
        ))}
      {broken.map((f) => (
        <div key={`${f.consumer}-${f.operationName}`} className="error">
          Breaks {f.consumer}&apos;s registered operation {f.operationName}: {f.reasons.join('; ')}
        </div>
      ))}
      {(run.check.warnings ?? []).map((w) => (
        <div key={w} className="hint">
          {w}
        </div>
      ))}
    </div>
  );
}

function History({ scopes }: { scopes: string[] }) {
  const { api } = useSession();
  const history = useLoad(() => api.registry<{ versions: VersionRow[] }>('/history'), []);
  const [outcome, setOutcome] = useState<string | null>(null);
  async function rollback(row: VersionRow) {
    try {
      const answer = await api.registry<{ published: boolean; version?: number }>(
        `/subgraphs/${row.subgraph}/rollback`,
        { method: 'POST', body: { version: row.version, message: `rollback to ${row.version}` } },
      );
      setOutcome(
        answer.published
          ? `Rolled ${row.subgraph} back to its version ${row.version}: graph version ${answer.version}.`
          : `${row.subgraph} is already at that schema.`,
      );
      history.reload();
    } catch (error) {
      setOutcome(describeError(error));
    }
  }
  return (
    <div className="panel">
      <h2>History</h2>
      <LoadState loaded={history} what="the history" />
      {history.value && (
        <table aria-label="History">
          <thead>
            <tr>
              <th>When</th>
              <th>Subgraph</th>
              <th className="number">Version</th>
              <th>By</th>
              <th>Message</th>
              <th>Approval</th>
              <th>Action</th>
            </tr>
          </thead>
          <tbody>
            {history.value.versions.slice(0, 50).map((row) => (
              <tr key={`${row.subgraph}-${row.version}`}>
                <td>{dateTime(row.createdAt)}</td>
                <td>{row.subgraph}</td>
                <td className="number">{row.version}</td>
                <td>{row.author}</td>
                <td>{row.message}</td>
                <td>{row.approvalId ? <code>{row.approvalId.slice(0, 8)}</code> : '—'}</td>
                <td>
                  {mayPublish(scopes, row.subgraph) && (
                    <button
                      type="button"
                      className="secondary"
                      aria-label={`Roll back ${row.subgraph} to version ${row.version}`}
                      onClick={() => void rollback(row)}
                    >
                      Roll back to this
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {outcome && <p role="status">{outcome}</p>}
    </div>
  );
}

function Diff() {
  const { api } = useSession();
  const [from, setFrom] = useState('1');
  const [to, setTo] = useState('');
  const [diff, setDiff] = useState<DiffAnswer | null>(null);
  const [error, setError] = useState<string | null>(null);
  async function show() {
    try {
      setError(null);
      const current = to || String((await api.registry<{ version: number }>('/readyz')).version);
      setDiff(await api.registry<DiffAnswer>(`/diff?from=${from}&to=${current}`));
    } catch (failure) {
      setError(describeError(failure));
    }
  }
  return (
    <div className="panel">
      <h2>Diff of two graph versions</h2>
      <div className="toolbar">
        <div>
          <label htmlFor="diff-from">From version</label>
          <input id="diff-from" size={5} value={from} onChange={(e) => setFrom(e.target.value)} />
        </div>
        <div>
          <label htmlFor="diff-to">To version (empty: the current one)</label>
          <input id="diff-to" size={5} value={to} onChange={(e) => setTo(e.target.value)} />
        </div>
        <button type="button" onClick={() => void show()}>
          Show diff
        </button>
      </div>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {diff && (
        <div data-testid="diff">
          <h3>
            API schema, version {diff.from} to {diff.to}
          </h3>
          {diff.apiSchema ? (
            <pre aria-label="API schema diff" style={{ maxHeight: 320 }}>
              {diff.apiSchema}
            </pre>
          ) : (
            <p className="empty">The API schema is the same.</p>
          )}
          {diff.subgraphs.map((s) => (
            <details key={s.name}>
              <summary>
                {s.name}: version {s.from ?? 'none'} to {s.to ?? 'none'}
              </summary>
              <pre>{s.diff}</pre>
            </details>
          ))}
        </div>
      )}
    </div>
  );
}

function Deprecations() {
  const { api } = useSession();
  // A registry without the lifecycle (404) keeps no deprecations: said so, not shown as a failure.
  const report = useLoad(
    () =>
      api
        .registry<{ deprecations: DeprecationRow[] }>('/deprecations/report')
        .catch((error: unknown) => {
          if (error instanceof ApiError && error.status === 404) return { deprecations: [] };
          throw error;
        }),
    [],
  );
  return (
    <div className="panel">
      <h2>Deprecations</h2>
      <LoadState loaded={report} what="deprecations" />
      {report.value &&
        (report.value.deprecations.length === 0 ? (
          <p className="empty">Nothing is deprecated with a sunset date.</p>
        ) : (
          <table aria-label="Deprecations">
            <thead>
              <tr>
                <th>Field</th>
                <th>Sunset</th>
                <th>Now</th>
                <th>Brownouts</th>
                <th>Waivers</th>
                <th>Still used by</th>
              </tr>
            </thead>
            <tbody>
              {report.value.deprecations.map((d) => (
                <tr key={d.coordinate} data-coordinate={d.coordinate}>
                  <td>
                    <code>{d.coordinate}</code>
                    {d.replacement && <div className="hint">use {d.replacement}</div>}
                  </td>
                  <td>{d.sunset}</td>
                  <td>{d.state}</td>
                  <td>
                    {d.brownouts.length === 0
                      ? 'none'
                      : d.brownouts.map((b) => (
                          <div key={b.start}>
                            {dateTime(b.start)} to {dateTime(b.end)}
                          </div>
                        ))}
                  </td>
                  <td>
                    {d.waivers.filter((w) => !w.revokedAt).length === 0
                      ? 'none'
                      : d.waivers
                          .filter((w) => !w.revokedAt)
                          .map((w) => (
                            <div key={w.id}>
                              {w.consumer} until {dateTime(w.until)}: {w.reason}
                            </div>
                          ))}
                  </td>
                  <td>
                    {!d.usage.available
                      ? `usage unknown: ${d.usage.reason ?? 'not available'}`
                      : d.usage.users.length === 0
                        ? 'nobody'
                        : d.usage.users
                            .map(
                              (u) =>
                                `${u.consumer} (${count(u.requests)}, last ${dateTime(u.lastSeen)})`,
                            )
                            .join(', ')}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ))}
    </div>
  );
}
