/**
 * Audit: the audit log searched by business key (an order, invoice, shipment, payment or customer
 * id: GET /admin/audit?key=), or its latest records: who did what and when, with the outcome and
 * the correlation id.
 */
import { useState, type FormEvent } from 'react';
import { dateTime } from '../format';
import { LoadState, useLoad } from '../load';
import { useSession } from '../session';

interface AuditRecord {
  seq?: number;
  at: string;
  consumer: string | null;
  principal: string | null;
  correlationId: string;
  operationName: string | null;
  fields: string[];
  keys: string[];
  outcome: 'ok' | 'error';
  errorCodes: string[];
}

export function AuditPage() {
  const { api } = useSession();
  const [draft, setDraft] = useState('');
  const [key, setKey] = useState('');
  const records = useLoad(
    () =>
      api.admin<{ key: string | null; records: AuditRecord[] }>(
        `/audit?limit=100${key ? `&key=${encodeURIComponent(key)}` : ''}`,
      ),
    [key],
  );
  const search = (event: FormEvent) => {
    event.preventDefault();
    setKey(draft.trim());
  };
  return (
    <section aria-labelledby="audit-title">
      <h1 id="audit-title">Audit</h1>
      <form className="toolbar" onSubmit={search} role="search">
        <div>
          <label htmlFor="audit-key">
            Business key (order, invoice, shipment, payment or customer id)
          </label>
          <input
            id="audit-key"
            value={draft}
            onChange={(e) => setDraft(e.target.value)}
            size={40}
          />
        </div>
        <button type="submit">Search</button>
      </form>
      <LoadState loaded={records} what="the audit log" />
      {records.value &&
        (records.value.records.length === 0 ? (
          <p className="empty">
            {records.value.key
              ? `Nothing recorded for ${records.value.key}.`
              : 'The audit log is empty.'}
          </p>
        ) : (
          <table aria-label="Audit records" data-key={records.value.key ?? ''}>
            <thead>
              <tr>
                <th>When</th>
                <th>Who</th>
                <th>What</th>
                <th>Keys</th>
                <th>Outcome</th>
                <th>Correlation id</th>
              </tr>
            </thead>
            <tbody>
              {records.value.records.map((r, i) => (
                <tr key={r.seq ?? i} data-correlation-id={r.correlationId}>
                  <td>{dateTime(r.at)}</td>
                  <td>
                    {r.consumer ?? 'anonymous'}
                    {r.principal && <small> ({r.principal})</small>}
                  </td>
                  <td>
                    {r.operationName ?? <em>anonymous</em>}
                    <br />
                    <small>{r.fields.join(', ')}</small>
                  </td>
                  <td>
                    {r.keys.map((k) => (
                      <span key={k} className="tag">
                        {k}
                      </span>
                    ))}
                  </td>
                  <td className={r.outcome === 'error' ? 'error' : undefined}>
                    {r.outcome}
                    {r.errorCodes.length > 0 && <small> {r.errorCodes.join(', ')}</small>}
                  </td>
                  <td>
                    <code>{r.correlationId}</code>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ))}
    </section>
  );
}
