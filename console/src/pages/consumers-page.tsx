/**
 * Consumers: each registered consumer's kind, tier, scopes, contract and row scope
 * (GET /admin/consumers); for the one selected, its budgets with the current window's use and the
 * month's cost (GET /admin/consumers/:id/budget), its registered operations
 * (GET /admin/consumers/:id/operations), the clients seen and when it was last seen (usage).
 */
import { useState } from 'react';
import { count, dateTime, ms, percent } from '../format';
import { LoadState, useLoad } from '../load';
import { useSession } from '../session';
import { BudgetTable, type BudgetRule } from './budget-table';
import { ManifestApprovals } from './manifest-approvals';

interface ConsumerRow {
  id: string;
  name: string;
  kind: string;
  tier: string;
  scopes: string[];
  contract: string | null;
  tenant: { customerIds: string[]; carrierIds: string[] } | null;
  persistedOperations: string;
}

interface Budget {
  rules: BudgetRule[];
}

interface Operations {
  mode: string;
  total: number;
  operations: { id: string; name: string; registeredAt?: string }[];
}

interface Usage {
  operations: {
    operationName: string;
    requests: number;
    errorRate: number;
    latencyMs: { p95: number | null };
    clients: { name: string; version: string; requests: number }[];
  }[];
}

interface Timeline {
  bucketMs: number;
  bucketStarts: number[];
  consumers: { consumer: string; requests: number[] }[];
}

function rowScope(tenant: ConsumerRow['tenant']): string {
  if (!tenant) return 'every row';
  const parts = [
    tenant.customerIds.length ? `customers ${tenant.customerIds.join(', ')}` : '',
    tenant.carrierIds.length ? `carriers ${tenant.carrierIds.join(', ')}` : '',
  ].filter(Boolean);
  return parts.length ? parts.join('; ') : 'no rows';
}

export function ConsumersPage() {
  const { api } = useSession();
  const consumers = useLoad(() => api.admin<{ consumers: ConsumerRow[] }>('/consumers'), []);
  const [selected, setSelected] = useState<string | null>(null);
  return (
    <section aria-labelledby="consumers-title">
      <h1 id="consumers-title">Consumers</h1>
      <LoadState loaded={consumers} what="consumers" />
      {consumers.value && (
        <table aria-label="Consumers">
          <thead>
            <tr>
              <th>Consumer</th>
              <th>Kind</th>
              <th>Tier</th>
              <th>Scopes</th>
              <th>Contract</th>
              <th>Row scope</th>
              <th>Operations</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {consumers.value.consumers.map((c) => (
              <tr key={c.id} data-consumer={c.id}>
                <td>
                  {c.name}
                  <br />
                  <small>{c.id}</small>
                </td>
                <td>{c.kind}</td>
                <td>{c.tier}</td>
                <td>
                  {c.scopes.map((s) => (
                    <span key={s} className="tag">
                      {s}
                    </span>
                  ))}
                </td>
                <td>{c.contract ?? 'full API'}</td>
                <td>{rowScope(c.tenant)}</td>
                <td>{c.persistedOperations}</td>
                <td>
                  <button
                    type="button"
                    className="secondary"
                    aria-pressed={selected === c.id}
                    aria-label={`Details of ${c.id}`}
                    onClick={() => setSelected(c.id)}
                  >
                    Details
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {selected && <ConsumerDetails key={selected} id={selected} />}
    </section>
  );
}

function ConsumerDetails({ id }: { id: string }) {
  const { api } = useSession();
  const path = `/consumers/${encodeURIComponent(id)}`;
  const budget = useLoad(() => api.admin<Budget>(`${path}/budget`), [id]);
  const operations = useLoad(() => api.admin<Operations>(`${path}/operations`), [id]);
  const usage = useLoad(
    () => api.admin<Usage>(`/usage/operations?consumer=${encodeURIComponent(id)}&days=30&limit=50`),
    [id],
  );
  const timeline = useLoad(
    () => api.admin<Timeline>(`/usage/timeline?consumer=${encodeURIComponent(id)}&hours=744`),
    [id],
  );

  const clients = new Map<string, number>();
  for (const operation of usage.value?.operations ?? [])
    for (const client of operation.clients) {
      const label = `${client.name} ${client.version}`.trim();
      clients.set(label, (clients.get(label) ?? 0) + client.requests);
    }
  const series = timeline.value?.consumers[0];
  const lastBucket = series
    ? series.requests.reduce((last, requests, i) => (requests > 0 ? i : last), -1)
    : -1;
  const monthCost = budget.value?.rules.find((r) => r.measure === 'cost' && r.window === 'month');

  return (
    <div className="panel" aria-label={`Consumer ${id}`} data-testid="consumer-details">
      <h2>{id}</h2>
      <p>
        Last seen:{' '}
        <strong data-testid="last-seen">
          {timeline.value
            ? lastBucket < 0
              ? 'not in the last 31 days'
              : `in the hour from ${dateTime(timeline.value.bucketStarts[lastBucket])}`
            : '…'}
        </strong>
        {monthCost && (
          <>
            {' '}
            · Month-to-date cost:{' '}
            <strong data-testid="month-cost">
              {count(monthCost.used)} of {count(monthCost.limit)}
            </strong>{' '}
            cost units
          </>
        )}
      </p>
      <h3>Budgets (current windows)</h3>
      <LoadState loaded={budget} what="budgets" />
      {budget.value && <BudgetTable rules={budget.value.rules} label="Budgets" />}
      <h3>Registered operations</h3>
      <LoadState loaded={operations} what="registered operations" />
      {operations.value &&
        (operations.value.total === 0 ? (
          <p className="empty">No registered operation (mode: {operations.value.mode}).</p>
        ) : (
          <table aria-label="Registered operations">
            <thead>
              <tr>
                <th>Name</th>
                <th>Id</th>
              </tr>
            </thead>
            <tbody>
              {operations.value.operations.map((o) => (
                <tr key={o.id}>
                  <td>{o.name}</td>
                  <td>
                    <code>{o.id.slice(0, 16)}…</code>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ))}
      <ManifestApprovals consumerId={id} />
      <h3>Clients seen (30 days)</h3>
      <LoadState loaded={usage} what="usage" />
      {usage.value &&
        (clients.size === 0 ? (
          <p className="empty">No request in the last 30 days.</p>
        ) : (
          <table aria-label="Clients seen">
            <thead>
              <tr>
                <th>Client name and version</th>
                <th className="number">Requests</th>
              </tr>
            </thead>
            <tbody>
              {[...clients.entries()]
                .sort((a, b) => b[1] - a[1])
                .map(([label, requests]) => (
                  <tr key={label}>
                    <td>{label || <em>unnamed</em>}</td>
                    <td className="number">{count(requests)}</td>
                  </tr>
                ))}
            </tbody>
          </table>
        ))}
      {usage.value && usage.value.operations.length > 0 && (
        <>
          <h3>Its operations (30 days)</h3>
          <table aria-label="Its operations">
            <thead>
              <tr>
                <th>Operation</th>
                <th className="number">Requests</th>
                <th className="number">Error rate</th>
                <th className="number">p95</th>
              </tr>
            </thead>
            <tbody>
              {usage.value.operations.map((o, i) => (
                <tr key={i}>
                  <td>{o.operationName || <em>anonymous</em>}</td>
                  <td className="number">{count(o.requests)}</td>
                  <td className="number">{percent(o.errorRate)}</td>
                  <td className="number">{ms(o.latencyMs.p95)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </div>
  );
}
