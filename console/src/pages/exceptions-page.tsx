/**
 * Exceptions: every subgraph's event exception queue in one list (orders, inventory, shipments,
 * finance: their `<subgraph>EventExceptions` queries through /graphql), filtered by status, handler
 * and event type; replay and discard call the subgraphs' own mutations, and are shown only to a
 * caller holding events:operate (the graph refuses the rest anyway).
 */
import { useState } from 'react';
import { count, dateTime } from '../format';
import { LoadState, useLoad } from '../load';
import { SCOPES, useSession } from '../session';

/** Each queue's query and mutations, by the prefix its subgraph gives them. */
const QUEUES = [
  { subgraph: 'orders', prefix: 'Orders', list: 'ordersEventExceptions' },
  { subgraph: 'inventory', prefix: 'Inventory', list: 'inventoryEventExceptions' },
  { subgraph: 'shipments', prefix: 'Shipments', list: 'shipmentsEventExceptions' },
  { subgraph: 'finance', prefix: 'Finance', list: 'financeEventExceptions' },
] as const;

const FIELDS =
  'id handler eventType aggregateId correlationId error attempts status firstFailedAt lastFailedAt resolvedBy payload note';

interface EventException {
  id: string;
  handler: string;
  eventType: string;
  aggregateId: string;
  correlationId: string;
  error: string;
  attempts: number;
  status: 'OPEN' | 'REPLAYED' | 'DISCARDED';
  firstFailedAt: string;
  lastFailedAt: string;
  resolvedBy: string | null;
  payload: string;
  note: string | null;
}

const STATUSES = ['OPEN', 'REPLAYED', 'DISCARDED', 'ALL'] as const;

export function ExceptionsPage() {
  const { api, holds } = useSession();
  const [status, setStatus] = useState<(typeof STATUSES)[number]>('OPEN');
  const [handler, setHandler] = useState('');
  const [eventType, setEventType] = useState('');
  const [message, setMessage] = useState<string | null>(null);
  const mayOperate = holds(SCOPES.operate);

  const query = `query ConsoleExceptions($status: EventExceptionStatus) { ${QUEUES.map(
    (q) => `${q.list}(status: $status, first: 100) { totalCount edges { node { ${FIELDS} } } }`,
  ).join(' ')} }`;
  const loaded = useLoad(async () => {
    const result = await api.graphql<
      Record<string, { totalCount: number; edges: { node: EventException }[] } | null>
    >(query, { status: status === 'ALL' ? null : status });
    if (result.errors.length > 0 && !result.data) throw new Error(result.errors[0].message);
    const refused = result.errors.find((e) => e.extensions?.code === 'UNAUTHORIZED_FIELD_OR_TYPE');
    if (refused) throw new Error(`Refused: the exception queues need the ${SCOPES.operate} scope.`);
    const rows = QUEUES.flatMap((q) =>
      (result.data?.[q.list]?.edges ?? []).map((e) => ({ ...e.node, queue: q })),
    );
    // A queue holding more than one page: say so rather than show a partial list as the whole.
    const truncated = QUEUES.filter(
      (q) => (result.data?.[q.list]?.totalCount ?? 0) > (result.data?.[q.list]?.edges.length ?? 0),
    ).map((q) => `${q.subgraph}: ${result.data?.[q.list]?.totalCount}`);
    return { rows, truncated };
  }, [status]);

  const act = async (
    row: EventException & { queue: (typeof QUEUES)[number] },
    action: 'replay' | 'discard',
  ) => {
    setMessage(null);
    const mutation =
      action === 'replay'
        ? `mutation ConsoleReplay($id: ID!) { result: replay${row.queue.prefix}EventException(id: $id) { id status error attempts } }`
        : `mutation ConsoleDiscard($id: ID!, $reason: String!) { result: discard${row.queue.prefix}EventException(id: $id, reason: $reason) { id status } }`;
    const result = await api.graphql<{ result: { status: string; error?: string } | null }>(
      mutation,
      action === 'replay' ? { id: row.id } : { id: row.id, reason: 'discarded from the console' },
    );
    if (result.errors.length > 0)
      setMessage(`${action} of ${row.id} failed: ${result.errors[0].message}`);
    else
      setMessage(
        `${row.id}: ${result.data?.result?.status ?? 'unknown'}${
          result.data?.result?.status === 'OPEN'
            ? ` (still failing: ${result.data.result.error})`
            : ''
        }`,
      );
    loaded.reload();
  };

  const all = loaded.value?.rows ?? [];
  const rows = all.filter(
    (r) => (!handler || r.handler === handler) && (!eventType || r.eventType === eventType),
  );
  const handlers = [...new Set(all.map((r) => r.handler))].sort();
  const eventTypes = [...new Set(all.map((r) => r.eventType))].sort();

  return (
    <section aria-labelledby="exceptions-title">
      <h1 id="exceptions-title">Exceptions</h1>
      <div className="toolbar">
        <div>
          <label htmlFor="exceptions-status">Status</label>
          <select
            id="exceptions-status"
            value={status}
            onChange={(e) => setStatus(e.target.value as typeof status)}
          >
            {STATUSES.map((s) => (
              <option key={s}>{s}</option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="exceptions-handler">Handler</label>
          <select
            id="exceptions-handler"
            value={handler}
            onChange={(e) => setHandler(e.target.value)}
          >
            <option value="">all</option>
            {handlers.map((h) => (
              <option key={h}>{h}</option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="exceptions-event-type">Event type</label>
          <select
            id="exceptions-event-type"
            value={eventType}
            onChange={(e) => setEventType(e.target.value)}
          >
            <option value="">all</option>
            {eventTypes.map((t) => (
              <option key={t}>{t}</option>
            ))}
          </select>
        </div>
      </div>
      {!mayOperate && (
        <p className="hint">
          Replay and discard need the {SCOPES.operate} scope, which you do not hold.
        </p>
      )}
      {message && <p role="status">{message}</p>}
      {loaded.value && loaded.value.truncated.length > 0 && (
        <p className="hint">
          The newest 100 of each queue are listed; more are waiting in{' '}
          {loaded.value.truncated.join(', ')}.
        </p>
      )}
      <LoadState loaded={loaded} what="the exception queues" />
      {loaded.value &&
        (rows.length === 0 ? (
          <p className="empty">
            No exception {status === 'ALL' ? '' : `with status ${status}`} in any queue.
          </p>
        ) : (
          <table aria-label="Exceptions">
            <thead>
              <tr>
                <th>Id</th>
                <th>Handler / event</th>
                <th>Error and payload</th>
                <th className="number">Attempts</th>
                <th>Status</th>
                <th>Correlation id</th>
                <th>Last failed</th>
                {mayOperate && <th>Actions</th>}
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.id} data-exception={r.id}>
                  <td>{r.id}</td>
                  <td>
                    {r.handler}
                    <br />
                    <small>
                      {r.eventType} · {r.aggregateId}
                    </small>
                  </td>
                  <td>
                    <span className="error">{r.error}</span>
                    <pre>{r.payload}</pre>
                  </td>
                  <td className="number">{count(r.attempts)}</td>
                  <td>{r.status}</td>
                  <td>
                    <code>{r.correlationId}</code>
                  </td>
                  <td>{dateTime(r.lastFailedAt)}</td>
                  {mayOperate && (
                    <td>
                      {r.status === 'OPEN' && (
                        <>
                          <button
                            type="button"
                            aria-label={`Replay ${r.id}`}
                            onClick={() => void act(r, 'replay')}
                          >
                            Replay
                          </button>{' '}
                          <button
                            type="button"
                            className="secondary"
                            aria-label={`Discard ${r.id}`}
                            onClick={() => void act(r, 'discard')}
                          >
                            Discard
                          </button>
                        </>
                      )}
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        ))}
    </section>
  );
}
