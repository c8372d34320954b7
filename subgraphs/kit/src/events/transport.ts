import type { DomainEvent } from './domain-event';

/**
 * Carries events between subgraphs with consumer-group semantics: every group receives every event
 * of the types it subscribed to, each event once per group, from where the group stopped (a group that
 * was away catches up when it subscribes again). An event whose delivery did not resolve is delivered
 * again (at-least-once): consumers are idempotent.
 *
 * Implementations: Redis Streams with consumer groups (redis-streams-transport.ts) when REDIS_URL is
 * set, an in-process log (in-process-transport.ts) otherwise.
 */
export interface EventTransport {
  readonly kind: 'redis-streams' | 'in-process';
  publish(events: readonly DomainEvent[]): Promise<void>;
  /**
   * Delivers the group's events of `types`, in publication order, one at a time per subscription;
   * acknowledges an event when `deliver` resolves. `consumer` names this process within the group.
   */
  subscribe(
    subscription: EventSubscription,
    deliver: (event: DomainEvent) => Promise<void>,
  ): Promise<{ close(): Promise<void> }>;
  /**
   * Removes the events published before `olderThan` that every consumer group has acknowledged (an
   * event a group has not been handed yet, or holds unacknowledged, stays, however old); answers how
   * many went. Run by housekeeping (events/event-retention.ts). The retention is what lets a group
   * created later, or a subgraph away for a while, still read the recent past.
   */
  trim(olderThan: Date): Promise<number>;
  close(): Promise<void>;
}

export interface EventSubscription {
  /** The consumer group: one per event handler (e.g. `inventory.allocate-order`). */
  group: string;
  /** This process within the group. */
  consumer: string;
  types: readonly string[];
}
