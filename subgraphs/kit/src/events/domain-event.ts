/**
 * A fact one subgraph announces to the others: written to its outbox in the transaction that
 * changed its records, then published on the event transport (Redis Streams, or in process).
 */
export interface DomainEvent<Payload = unknown> {
  /** Unique (UUID); consumers remember it to process each event once. */
  id: string;
  /** What happened, in the past tense: `OrderAccepted` (see order-to-cash-events.ts). */
  type: string;
  /** The subgraph that owns the record and wrote the event. */
  source: string;
  /** The id of the record it is about (an order, a shipment, an invoice, a payment). */
  aggregateId: string;
  payload: Payload;
  /** The correlation id of the request that caused it (x-correlation-id), carried down the chain. */
  correlationId: string;
  /** ISO-8601 instant the state change happened. */
  occurredAt: string;
}

/** What a store gives the outbox; the id, and the instant when absent, are filled in. */
export type NewDomainEvent<Payload = unknown> = Omit<DomainEvent<Payload>, 'id' | 'occurredAt'> & {
  occurredAt?: string;
};
