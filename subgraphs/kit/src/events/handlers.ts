import type { Kysely } from 'kysely';
import type { ServiceClient } from '../service-client';
import type { DomainEvent } from './domain-event';

/**
 * What a subgraph does when another announces something: one handler per reaction, each its own
 * consumer group. Handlers must be idempotent: the kit delivers at least once and remembers what each
 * handler processed (see `consumeOnce`), and owners add natural keys (one invoice per shipment).
 * A handler that throws is retried; after `maxAttempts` the event goes to the subgraph's exception queue.
 */
export interface EventHandler<Store> {
  /** `<subgraph>.<what-it-does>`, e.g. `inventory.allocate-order`; the consumer group and the exception queue's consumer. */
  name: string;
  /** The event types it reacts to. */
  on: readonly string[];
  handle(event: DomainEvent, context: EventHandlerContext<Store>): Promise<void>;
}

export interface EventHandlerContext<Store> {
  store: Store;
  /** The subgraph's database, for `consumeOnce` inside the store's transaction. */
  db: Kysely<any>;
  /** Synchronous calls to other subgraphs with a service identity (carrying the event's correlation id). */
  services: ServiceClient;
  /** The handler's name, as `consumeOnce` records it. */
  handler: string;
}

/**
 * Which delivery of which event a handler processes, as it passes it to its store: `consumeOnce`'s
 * key (handler, event id), recorded in the transaction of the effect, and the correlation id the
 * events that transaction writes carry on.
 */
export interface EventDelivery {
  handler: string;
  eventId: string;
  correlationId: string;
}

/** The delivery of `event` to `handler`, with when the event happened (for changes whose payload does not say). */
export function deliveryOf(
  event: DomainEvent,
  handler: string,
): EventDelivery & Pick<DomainEvent, 'occurredAt'> {
  return {
    handler,
    eventId: event.id,
    correlationId: event.correlationId,
    occurredAt: event.occurredAt,
  };
}
