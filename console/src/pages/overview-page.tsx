/**
 * Overview: requests, error rate and p95 latency per consumer over the last hour, day or week
 * (GET /admin/usage/timeline), refusals by code, and the slowest operations (GET /admin/usage/operations).
 */
import { useMemo, useState } from 'react';
import { TimeSeriesChart } from '../charts/time-series-chart';
import { count, dateTime, ms, percent } from '../format';
import { LoadState, useLoad } from '../load';
import { useSession } from '../session';

interface Timeline {
  hours: number;
  bucketMs: number;
  bucketStarts: number[];
  consumers: { consumer: string; requests: number[]; errors: number[]; p95Ms: (number | null)[] }[];
  errorsByCode: { code: string; count: number }[];
}

interface OperationsReport {
  operations: {
    consumer: string;
    operationId: string;
    operationName: string;
    requests: number;
    errors: number;
    errorRate: number;
    latencyMs: { p50: number | null; p95: number | null; p99: number | null };
  }[];
}

interface ProcessErrors {
  since: string;
  codes: { code: string; count: number }[];
}

const PERIODS = [
  { label: 'Last hour', hours: 1 },
  { label: 'Last day', hours: 24 },
  { label: 'Last week', hours: 168 },
];

const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);

/** Codes that mean the gateway refused the request rather than a subgraph failing. */
const REFUSAL_CODES = new Set([
  'RATE_LIMITED',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'UNAUTHORIZED_FIELD_OR_TYPE',
  'CLIENT_NAME_REQUIRED',
  'OPERATION_NAME_REQUIRED',
  'PERSISTED_QUERY_REQUIRED',
  'PERSISTED_QUERY_NOT_FOUND',
  'OPERATION_LIMIT_EXCEEDED',
  'CORS_ORIGIN_NOT_ALLOWED',
  'FIELD_SUNSET',
  'FIELD_BROWNOUT',
  'GRAPHQL_VALIDATION_FAILED',
]);

export function OverviewPage() {
  const { api } = useSession();
  const [hours, setHours] = useState(24);
  const timeline = useLoad(() => api.admin<Timeline>(`/usage/timeline?hours=${hours}`), [hours]);
  const days = Math.max(1, Math.ceil(hours / 24));
  const operations = useLoad(
    () => api.admin<OperationsReport>(`/usage/operations?days=${days}&limit=200`),
    [days],
  );

  const processErrors = useLoad(() => api.admin<ProcessErrors>('/metrics/errors'), []);
  const t = timeline.value;
  const charts = useMemo(() => {
    if (!t) return null;
    return {
      requests: t.consumers.map((c) => ({ label: c.consumer, values: c.requests })),
      errorRate: t.consumers.map((c) => ({
        label: c.consumer,
        values: c.requests.map((r, i) => (r === 0 ? null : (100 * c.errors[i]) / r)),
      })),
      p95: t.consumers.map((c) => ({ label: c.consumer, values: c.p95Ms })),
    };
  }, [t]);
  const totalRequests = t ? sum(t.consumers.map((c) => sum(c.requests))) : 0;
  const totalErrors = t ? sum(t.consumers.map((c) => sum(c.errors))) : 0;
  const slowest = (operations.value?.operations ?? [])
    .filter((o) => o.latencyMs.p95 !== null)
    .sort((a, b) => (b.latencyMs.p95 ?? 0) - (a.latencyMs.p95 ?? 0))
    .slice(0, 10);

  return (
    <section aria-labelledby="overview-title">
      <h1 id="overview-title">Overview</h1>
      <div className="toolbar">
        <div>
          <label htmlFor="overview-period">Period</label>
          <select
            id="overview-period"
            value={hours}
            onChange={(event) => setHours(Number(event.target.value))}
          >
            {PERIODS.map((p) => (
              <option key={p.hours} value={p.hours}>
                {p.label}
              </option>
            ))}
          </select>
        </div>
      </div>
      <LoadState loaded={timeline} what="usage over time" />
      {t && charts && (
        <>
          <div className="cards">
            <div className="card">
              <div className="label">Requests</div>
              <div className="value" data-testid="overview-requests">
                {count(totalRequests)}
              </div>
            </div>
            <div className="card">
              <div className="label">Requests with errors</div>
              <div className="value" data-testid="overview-errors">
                {count(totalErrors)}
              </div>
            </div>
            <div className="card">
              <div className="label">Error rate</div>
              <div className="value">
                {percent(totalRequests === 0 ? null : totalErrors / totalRequests)}
              </div>
            </div>
            <div className="card">
              <div className="label">Consumers seen</div>
              <div className="value">{t.consumers.length}</div>
            </div>
          </div>
          <div className="charts">
            <TimeSeriesChart
              title="Requests per consumer"
              times={t.bucketStarts}
              series={charts.requests}
              unit="requests"
            />
            <TimeSeriesChart
              title="Error rate per consumer"
              times={t.bucketStarts}
              series={charts.errorRate}
              unit="%"
            />
            <TimeSeriesChart
              title="p95 latency per consumer"
              times={t.bucketStarts}
              series={charts.p95}
              unit="ms"
            />
          </div>
          <h2>Per consumer</h2>
          <table aria-label="Per consumer">
            <thead>
              <tr>
                <th>Consumer</th>
                <th className="number">Requests</th>
                <th className="number">With errors</th>
                <th className="number">Error rate</th>
                <th className="number">Worst p95 of a bucket</th>
              </tr>
            </thead>
            <tbody>
              {t.consumers.map((c) => {
                const requests = sum(c.requests);
                const errors = sum(c.errors);
                const worst = c.p95Ms.reduce<number | null>(
                  (max, v) => (v === null ? max : Math.max(max ?? 0, v)),
                  null,
                );
                return (
                  <tr key={c.consumer} data-consumer={c.consumer}>
                    <td>{c.consumer}</td>
                    <td className="number">{count(requests)}</td>
                    <td className="number">{count(errors)}</td>
                    <td className="number">{percent(requests === 0 ? null : errors / requests)}</td>
                    <td className="number">{ms(worst)}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          <h2>Errors and refusals by code in this period</h2>
          {t.errorsByCode.length === 0 ? (
            <p className="empty">No errors in this period.</p>
          ) : (
            <table aria-label="Errors by code">
              <thead>
                <tr>
                  <th>Code</th>
                  <th>Kind</th>
                  <th className="number">Count</th>
                </tr>
              </thead>
              <tbody>
                {t.errorsByCode.map((e) => (
                  <tr key={e.code} data-code={e.code}>
                    <td>{e.code}</td>
                    <td>{REFUSAL_CODES.has(e.code) ? 'refused by the gateway' : 'error'}</td>
                    <td className="number">{count(e.count)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <p className="hint">
            Counted by usage: every request that reached GraphQL, across gateway replicas.
          </p>
          <h2>Refusals and errors at this gateway replica</h2>
          <LoadState loaded={processErrors} what="this gateway's error counts" />
          {processErrors.value &&
            (processErrors.value.codes.length === 0 ? (
              <p className="empty">
                No error since this gateway started ({dateTime(processErrors.value.since)}).
              </p>
            ) : (
              <table aria-label="Refusals at this gateway">
                <caption className="hint">
                  Every /graphql response since {dateTime(processErrors.value.since)}, refusals
                  before parsing included (no credentials, over budget): GET /admin/metrics/errors,
                  the figures of switchyard_gateway_errors_total.
                </caption>
                <thead>
                  <tr>
                    <th>Code</th>
                    <th>Kind</th>
                    <th className="number">Count</th>
                  </tr>
                </thead>
                <tbody>
                  {processErrors.value.codes.map((e) => (
                    <tr key={e.code} data-code={e.code}>
                      <td>{e.code}</td>
                      <td>{REFUSAL_CODES.has(e.code) ? 'refused by the gateway' : 'error'}</td>
                      <td className="number">{count(e.count)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            ))}
        </>
      )}
      <h2>Slowest operations (p95, last {days === 1 ? 'day' : `${days} days`})</h2>
      <LoadState loaded={operations} what="operations" />
      {operations.value &&
        (slowest.length === 0 ? (
          <p className="empty">No operation ran in this period.</p>
        ) : (
          <table aria-label="Slowest operations">
            <thead>
              <tr>
                <th>Operation</th>
                <th>Consumer</th>
                <th className="number">Requests</th>
                <th className="number">Error rate</th>
                <th className="number">p50</th>
                <th className="number">p95</th>
                <th className="number">p99</th>
              </tr>
            </thead>
            <tbody>
              {slowest.map((o) => (
                <tr key={`${o.consumer}|${o.operationId}`}>
                  <td>{o.operationName || <em>anonymous</em>}</td>
                  <td>{o.consumer}</td>
                  <td className="number">{count(o.requests)}</td>
                  <td className="number">{percent(o.errorRate)}</td>
                  <td className="number">{ms(o.latencyMs.p50)}</td>
                  <td className="number">{ms(o.latencyMs.p95)}</td>
                  <td className="number">{ms(o.latencyMs.p99)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ))}
    </section>
  );
}
