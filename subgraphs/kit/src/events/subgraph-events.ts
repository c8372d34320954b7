import os from 'node:os';
import type { Kysely } from 'kysely';
import { withCorrelationId } from '../context';
import type { ServiceClient } from '../service-client';
import type { DomainEvent } from './domain-event';
import { startEventConsumers, type EventConsumers } from './event-consumers';
import type { EventLog } from './event-log';
import { createExceptionQueue, type ExceptionQueue } from './exception-queue';
import type { EventHandler, EventHandlerContext } from './handlers';
import { startOutboxRelay, type OutboxRelay } from './outbox-relay';
import type { EventTransport } from './transport';

/** What resolvers see of the event runtime (`ctx.events`). */
export interface SubgraphEvents {
  /** The subgraph's exception queue (the exception fields of addEventExceptionFields read and change it). */
  exceptions: ExceptionQueue;
  /** Publish the outbox now: a resolver calls it after a mutation that wrote events, so they go out without waiting for a poll. */
  kick(): void;
}

/** How a subgraph runs its events (SubgraphRuntimeOptions.eventOptions); every field has a default. */
export interface EventOptions {
  /** How often the outbox relay looks for unpublished events. Default 100 ms. */
  relayIntervalMs?: number;
  /** Tries of one delivery before the event goes to the exception queue. Default 5. */
  maxAttempts?: number;
  /** The wait after a handler's first failed try; it doubles after each. Default 200 ms. */
  retryBackoffMs?: number;
  /**
   * This process within each consumer group. Default `<subgraph>@<hostname>`: the same name after a
   * restart, so the process first reads again what it held unacknowledged when it died (with the pid in
   * the name, a restarted process was a new consumer and those events waited for the claim, a minute).
   * Replicas of one subgraph on one host need names of their own (EVENT_CONSUMER).
   */
  consumer?: string;
}

export interface SubgraphEventsOptions<Store> {
  subgraph: string;
  db: Kysely<any>;
  dialect: 'sqlite' | 'postgres';
  store: Store;
  services: ServiceClient;
  transport: EventTransport;
  handlers: readonly EventHandler<Store>[];
  options?: EventOptions;
}

/** The runtime's parts before it runs: `events` for the server's context, then `start` once the server (and its log) exists. */
export interface SubgraphEventRuntime {
  events: SubgraphEvents;
  /** Starts the outbox relay and the consumers. */
  start(log: EventLog): Promise<void>;
  /** Stops the consumers first (no delivery half done), then the relay (after publishing what is left). */
  stop(): Promise<void>;
}

export function createSubgraphEvents<Store>(
  options: SubgraphEventsOptions<Store>,
): SubgraphEventRuntime {
  const settings = options.options ?? {};
  const contextFor = (event: DomainEvent, handler: string): EventHandlerContext<Store> => ({
    store: options.store,
    db: options.db,
    services: withCorrelationId(options.services, event.correlationId),
    handler,
  });
  const exceptions = createExceptionQueue({
    subgraph: options.subgraph,
    db: options.db,
    handlers: options.handlers,
    contextFor,
  });
  let relay: OutboxRelay | undefined;
  let consumers: EventConsumers | undefined;

  return {
    events: { exceptions, kick: () => relay?.kick() },
    async start(log) {
      relay = startOutboxRelay({
        db: options.db,
        dialect: options.dialect,
        transport: options.transport,
        intervalMs: settings.relayIntervalMs,
        log,
      });
      try {
        consumers = await startEventConsumers({
          handlers: options.handlers,
          transport: options.transport,
          consumer: settings.consumer ?? defaultConsumerName(options.subgraph),
          exceptions,
          contextFor,
          maxAttempts: settings.maxAttempts,
          retryBackoffMs: settings.retryBackoffMs,
          log,
          onProcessed: () => relay?.kick(),
        });
      } catch (error) {
        await relay.stop();
        throw error;
      }
    },
    async stop() {
      await consumers?.close();
      await relay?.stop();
    },
  };
}

/** The default name of this process in its subgraph's consumer groups: stable across its restarts. */
export const defaultConsumerName = (subgraph: string) => `${subgraph}@${os.hostname()}`;
