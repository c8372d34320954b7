/**
 * Business health: the order-to-cash KPIs of `businessHealth(from, to)` through /graphql with the
 * signed-in credential (money figures only for finance:read), and the stage SLAs per consumer from
 * GET /admin/usage/stages (governance:admin), breaches highlighted.
 */
import { useState } from 'react';
import { count, dateTime, hours, money, ms, percent } from '../format';
import { LoadState, useLoad } from '../load';
import { SCOPES, useSession } from '../session';

interface Cycle {
  count: number;
  p50Hours: number | null;
  p95Hours: number | null;
}
interface Money {
  amount: string;
  currency: string;
}
interface Queue {
  handler: string;
  open: number;
  oldestOpenAt: string | null;
}
interface Health {
  ordersPlaced: number;
  ordersHeld: number;
  orderExceptionRate: number | null;
  holdReasons: { reason: string; count: number }[];
  openOrderAging: { bucket: string; orders: number; value?: Money }[];
  orderToAccept: Cycle;
  orderToShip: Cycle;
  planToShip: Cycle | null;
  shipmentsConfirmed: number | null;
  shipmentToInvoiceLag: Cycle | null;
  invoiceAccuracy: {
    invoicesChecked: number;
    invoicesMatchingOrder: number;
    rate: number | null;
  } | null;
  unappliedCash?: Money | null;
  invoicesDisputed: number | null;
  backorderedOrders: number | null;
  allocationFillRate: number | null;
  ordersExceptionQueues: Queue[] | null;
  inventoryExceptionQueues: Queue[] | null;
  shipmentsExceptionQueues: Queue[] | null;
  financeExceptionQueues: Queue[] | null;
}

interface Figures {
  requests: number;
  errorRate: number;
  latencyMs: { p95: number | null };
  breached: boolean;
  breaches: string[];
}
interface StageReport {
  stages: (Figures & {
    stage: string;
    sla: { p95Ms: number; errorRate: number } | null;
    consumers: (Figures & { consumer: string })[];
  })[];
}

const CYCLE = 'count p50Hours p95Hours';
const healthQuery = (
  withMoney: boolean,
) => `query ConsoleBusinessHealth($from: DateTime!, $to: DateTime!) {
  businessHealth(from: $from, to: $to) {
    ordersPlaced ordersHeld orderExceptionRate holdReasons { reason count }
    openOrderAging { bucket orders ${withMoney ? 'value { amount currency }' : ''} }
    orderToAccept { ${CYCLE} } orderToShip { ${CYCLE} } planToShip { ${CYCLE} } shipmentsConfirmed
    shipmentToInvoiceLag { ${CYCLE} } invoiceAccuracy { invoicesChecked invoicesMatchingOrder rate }
    ${withMoney ? 'unappliedCash { amount currency }' : ''} invoicesDisputed
    backorderedOrders allocationFillRate
    ordersExceptionQueues { handler open oldestOpenAt } inventoryExceptionQueues { handler open oldestOpenAt }
    shipmentsExceptionQueues { handler open oldestOpenAt } financeExceptionQueues { handler open oldestOpenAt }
  }
}`;

const PERIODS = [
  { label: 'Last 7 days', days: 7 },
  { label: 'Last 30 days', days: 30 },
  { label: 'Last 90 days', days: 90 },
  { label: 'Last 365 days', days: 365 },
];

function Card({ label, value, testId }: { label: string; value: string; testId?: string }) {
  return (
    <div className="card">
      <div className="label">{label}</div>
      <div className="value" data-testid={testId}>
        {value}
      </div>
    </div>
  );
}

const cycle = (c: Cycle | null | undefined) =>
  c ? `${hours(c.p50Hours)} / ${hours(c.p95Hours)} (${count(c.count)})` : '–';

export function BusinessHealthPage() {
  const { api, holds } = useSession();
  const [days, setDays] = useState(30);
  // A chosen period of whole UTC days [from, to], when set; else the last `days` days.
  const [custom, setCustom] = useState<{ from: string; to: string } | null>(null);
  const [draft, setDraft] = useState({ from: '', to: '' });
  const withMoney = holds(SCOPES.finance);
  const health = useLoad(async () => {
    const to = custom ? new Date(`${custom.to}T00:00:00Z`) : new Date();
    if (custom) to.setUTCDate(to.getUTCDate() + 1);
    const from = custom
      ? new Date(`${custom.from}T00:00:00Z`)
      : new Date(to.getTime() - days * 86_400_000);
    const result = await api.graphql<{ businessHealth: Health | null }>(healthQuery(withMoney), {
      from: from.toISOString(),
      to: to.toISOString(),
    });
    if (!result.data?.businessHealth)
      throw new Error(result.errors[0]?.message ?? 'businessHealth answered nothing');
    return { health: result.data.businessHealth, partial: result.errors, from, to };
  }, [days, custom, withMoney]);
  const stages = useLoad(
    () =>
      holds(SCOPES.admin)
        ? api.admin<StageReport>(`/usage/stages?days=${Math.min(days, 30)}`)
        : Promise.resolve(null),
    [days],
  );
  const h = health.value?.health;
  const queues = h
    ? [
        ...(h.ordersExceptionQueues ?? []),
        ...(h.inventoryExceptionQueues ?? []),
        ...(h.shipmentsExceptionQueues ?? []),
        ...(h.financeExceptionQueues ?? []),
      ]
    : [];

  return (
    <section aria-labelledby="health-title">
      <h1 id="health-title">Business health</h1>
      <div className="toolbar">
        <div>
          <label htmlFor="health-period">Period</label>
          <select
            id="health-period"
            value={custom ? 0 : days}
            onChange={(e) => {
              setCustom(null);
              setDays(Number(e.target.value));
            }}
          >
            {custom && <option value={0}>Chosen dates</option>}
            {PERIODS.map((p) => (
              <option key={p.days} value={p.days}>
                {p.label}
              </option>
            ))}
          </select>
        </div>
        <form
          className="toolbar"
          onSubmit={(event) => {
            event.preventDefault();
            if (draft.from && draft.to && draft.from <= draft.to) setCustom({ ...draft });
          }}
        >
          <div>
            <label htmlFor="health-from">From (UTC)</label>
            <input
              id="health-from"
              type="date"
              value={draft.from}
              onChange={(e) => setDraft({ ...draft, from: e.target.value })}
            />
          </div>
          <div>
            <label htmlFor="health-to">To (UTC, inclusive)</label>
            <input
              id="health-to"
              type="date"
              value={draft.to}
              onChange={(e) => setDraft({ ...draft, to: e.target.value })}
            />
          </div>
          <button type="submit" disabled={!draft.from || !draft.to || draft.from > draft.to}>
            Show these dates
          </button>
        </form>
        {health.value && (
          <p className="hint">
            {dateTime(health.value.from.getTime())} – {dateTime(health.value.to.getTime())}
          </p>
        )}
      </div>
      <LoadState loaded={health} what="business health" />
      {health.value?.partial.map((e, i) => (
        <p key={i} className="error">
          Partly answered: {e.message}
        </p>
      ))}
      {h && (
        <>
          <div className="cards">
            <Card label="Orders placed" value={count(h.ordersPlaced)} testId="orders-placed" />
            <Card label="Orders held" value={count(h.ordersHeld)} testId="orders-held" />
            <Card label="Order exception rate" value={percent(h.orderExceptionRate)} />
            <Card label="Order to accept p50 / p95" value={cycle(h.orderToAccept)} />
            <Card label="Order to ship p50 / p95" value={cycle(h.orderToShip)} />
            <Card label="Plan to ship p50 / p95" value={cycle(h.planToShip)} />
            <Card label="Shipment to invoice p50 / p95" value={cycle(h.shipmentToInvoiceLag)} />
            <Card label="Shipments confirmed" value={count(h.shipmentsConfirmed)} />
            <Card
              label="Invoice accuracy"
              value={`${percent(h.invoiceAccuracy?.rate)} of ${count(h.invoiceAccuracy?.invoicesChecked)}`}
            />
            {withMoney && (
              <Card
                label="Unapplied cash"
                value={
                  h.unappliedCash
                    ? money(Number(h.unappliedCash.amount), h.unappliedCash.currency)
                    : '–'
                }
                testId="unapplied-cash"
              />
            )}
            <Card label="Invoices disputed" value={count(h.invoicesDisputed)} />
            <Card label="Allocation fill rate" value={percent(h.allocationFillRate)} />
            <Card label="Backordered orders" value={count(h.backorderedOrders)} />
          </div>
          {!withMoney && (
            <p className="hint">
              Money figures need the {SCOPES.finance} scope, which you do not hold.
            </p>
          )}
          <div className="charts">
            <div className="panel">
              <h2>Hold reasons</h2>
              {h.holdReasons.length === 0 ? (
                <p className="empty">No order went on hold in this period.</p>
              ) : (
                <table aria-label="Hold reasons">
                  <tbody>
                    {h.holdReasons.map((r) => (
                      <tr key={r.reason}>
                        <td>{r.reason}</td>
                        <td className="number">{count(r.count)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )}
            </div>
            <div className="panel">
              <h2>Open-order aging</h2>
              <table aria-label="Open-order aging">
                <tbody>
                  {h.openOrderAging.map((b) => (
                    <tr key={b.bucket}>
                      <td>{b.bucket}</td>
                      <td className="number">{count(b.orders)}</td>
                      {withMoney && (
                        <td className="number">
                          {b.value ? money(Number(b.value.amount), b.value.currency) : '–'}
                        </td>
                      )}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <div className="panel">
              <h2>Exception queues (now)</h2>
              <table aria-label="Exception queues">
                <tbody>
                  {queues.map((q) => (
                    <tr key={q.handler} className={q.open > 0 ? 'breach' : undefined}>
                      <td>{q.handler}</td>
                      <td className="number">{count(q.open)}</td>
                      <td>{q.oldestOpenAt ? `oldest ${dateTime(q.oldestOpenAt)}` : ''}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </div>
        </>
      )}
      {holds(SCOPES.admin) && (
        <>
          <h2>Stage SLAs (last {Math.min(days, 30)} days of gateway usage)</h2>
          <LoadState loaded={stages} what="stage SLAs" />
          {stages.value && (
            <table aria-label="Stage SLAs">
              <thead>
                <tr>
                  <th>Stage / consumer</th>
                  <th className="number">Requests</th>
                  <th className="number">Error rate</th>
                  <th className="number">p95</th>
                  <th>SLA</th>
                  <th>Breach</th>
                </tr>
              </thead>
              <tbody>
                {stages.value.stages.flatMap((s) => [
                  <tr
                    key={s.stage}
                    className={s.breached ? 'breach' : undefined}
                    data-stage={s.stage}
                  >
                    <td>
                      <strong>{s.stage}</strong>
                    </td>
                    <td className="number">{count(s.requests)}</td>
                    <td className="number">{percent(s.errorRate, 2)}</td>
                    <td className="number">{ms(s.latencyMs.p95)}</td>
                    <td>
                      {s.sla
                        ? `p95 ≤ ${s.sla.p95Ms} ms, errors ≤ ${percent(s.sla.errorRate, 2)}`
                        : 'none'}
                    </td>
                    <td>{s.breached ? `over: ${s.breaches.join(', ')}` : ''}</td>
                  </tr>,
                  ...s.consumers.map((c) => (
                    <tr
                      key={`${s.stage}|${c.consumer}`}
                      className={c.breached ? 'breach' : undefined}
                    >
                      <td>&nbsp;&nbsp;{c.consumer}</td>
                      <td className="number">{count(c.requests)}</td>
                      <td className="number">{percent(c.errorRate, 2)}</td>
                      <td className="number">{ms(c.latencyMs.p95)}</td>
                      <td />
                      <td>{c.breached ? `over: ${c.breaches.join(', ')}` : ''}</td>
                    </tr>
                  )),
                ])}
              </tbody>
            </table>
          )}
        </>
      )}
    </section>
  );
}
