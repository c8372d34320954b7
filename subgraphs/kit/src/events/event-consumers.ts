import { DependencyUnavailableError } from '../service-client';
import type { DomainEvent } from './domain-event';
import { errorMessage, SILENT_EVENT_LOG, type EventLog } from './event-log';
import type { ExceptionQueue } from './exception-queue';
import type { EventHandler, EventHandlerContext } from './handlers';
import type { EventTransport } from './transport';
import { WakeSignal } from './wake-signal';

export interface EventConsumerOptions<Store> {
  handlers: readonly EventHandler<Store>[];
  transport: EventTransport;
  /** This process within each handler's consumer group (stable across restarts of the process, ideally). */
  consumer: string;
  exceptions: ExceptionQueue;
  /** The context a handler runs with for `event`. */
  contextFor(event: DomainEvent, handler: string): EventHandlerContext<Store>;
  /** Tries of one delivery before the event goes to the exception queue. Default 5. */
  maxAttempts?: number;
  /** The wait after the first failed try; it doubles after each (capped at 30 s). Default 200 ms. */
  retryBackoffMs?: number;
  log?: EventLog;
  /** Called after a handler processed an event (the runtime kicks the relay: handlers often announce what they did). */
  onProcessed?: () => void;
}

export interface EventConsumers {
  /** Stops every subscription; a delivery waiting to retry stops too and is delivered again at the next start. */
  close(): Promise<void>;
}

const MAX_BACKOFF_MS = 30_000;
/** The longest wait between tries while a dependency is unavailable. */
const MAX_DEPENDENCY_BACKOFF_MS = 5_000;
/** Who resolved an exception whose event a later delivery processed (a duplicate, or a restart). */
export const REDELIVERY_RESOLVER = 'system:redelivery';

/**
 * Runs a subgraph's event handlers: one subscription per handler (its consumer group is its name).
 * A delivery is tried up to `maxAttempts` times with backoff; after the last failure the event is
 * recorded in the exception queue and acknowledged, so one poison event does not stop the pipeline.
 * A DependencyUnavailableError (a subgraph the handler calls is down or slow; not one it has no URL for)
 * is no fault of the event: it is tried again without counting, up to 5 s apart, until the dependency
 * answers or the subgraph stops.
 */
export async function startEventConsumers<Store>(
  options: EventConsumerOptions<Store>,
): Promise<EventConsumers> {
  const maxAttempts = options.maxAttempts ?? 5;
  const retryBackoffMs = options.retryBackoffMs ?? 200;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1)
    throw new RangeError(`maxAttempts must be a positive integer, got ${maxAttempts}`);
  const names = options.handlers.map((h) => h.name);
  const duplicate = names.find((name, i) => names.indexOf(name) !== i);
  if (duplicate)
    throw new Error(
      `two event handlers are named ${duplicate}: each name is its own consumer group`,
    );
  const log = options.log ?? SILENT_EVENT_LOG;
  const { exceptions } = options;
  const pause = new WakeSignal();
  let stopping = false;

  async function deliver(handler: EventHandler<Store>, event: DomainEvent): Promise<void> {
    const about = {
      handler: handler.name,
      eventId: event.id,
      eventType: event.type,
      aggregateId: event.aggregateId,
      correlationId: event.correlationId,
    };
    const earlier = await exceptions.statusOf(handler.name, event.id);
    if (earlier === 'DISCARDED') {
      log.info(about, 'event skipped: an operator discarded it for this handler');
      return;
    }
    let attempt = 0;
    let outage = 0;
    for (;;) {
      try {
        await handler.handle(event, options.contextFor(event, handler.name));
        if (earlier === 'OPEN')
          await exceptions.resolve(handler.name, event.id, REDELIVERY_RESOLVER);
        options.onProcessed?.();
        return;
      } catch (error) {
        // Closing: not acknowledged, so the group delivers it again when the subgraph is back.
        if (stopping) throw error;
        const err = errorMessage(error);
        let wait: number;
        if (isDependencyUnavailable(error)) {
          // The event is not at fault: wait for the dependency (the group holds its place) rather than
          // fill the exception queue with every event of an outage.
          outage++;
          wait = Math.min(retryBackoffMs * 2 ** (outage - 1), MAX_DEPENDENCY_BACKOFF_MS);
          log.warn(
            { ...about, dependency: error.subgraph, err },
            'event handler waits for a dependency; trying again',
          );
        } else {
          attempt++;
          if (attempt >= maxAttempts) {
            await exceptions.record({
              handler: handler.name,
              event,
              error: err,
              attempts: attempt,
            });
            log.error(
              { ...about, attempts: attempt, err },
              'event handler gave up: the event waits in the exception queue',
            );
            return;
          }
          wait = Math.min(retryBackoffMs * 2 ** (attempt - 1), MAX_BACKOFF_MS);
          log.warn({ ...about, attempt, err }, 'event handler failed; trying again');
        }
        await pause.wait(wait);
        if (stopping) throw error;
      }
    }
  }

  const subscriptions: { close(): Promise<void> }[] = [];
  try {
    for (const handler of options.handlers) {
      const subscription = { group: handler.name, consumer: options.consumer, types: handler.on };
      subscriptions.push(
        await options.transport.subscribe(subscription, (event) => deliver(handler, event)),
      );
    }
  } catch (error) {
    await Promise.all(subscriptions.map((s) => s.close()));
    throw error;
  }

  return {
    async close() {
      stopping = true;
      pause.wake();
      await Promise.all(subscriptions.map((s) => s.close()));
    },
  };
}

/**
 * A dependency down, slow or broken, which time may heal; not one this subgraph has no URL for (that is
 * configuration: it fails like any error). By name too: a handler bundled with another copy of the kit
 * throws another copy of the class.
 */
function isDependencyUnavailable(error: unknown): error is DependencyUnavailableError {
  const unavailable =
    error instanceof DependencyUnavailableError ||
    (error instanceof Error && error.name === 'DependencyUnavailableError');
  return unavailable && (error as DependencyUnavailableError).reason !== 'unknown-subgraph';
}
