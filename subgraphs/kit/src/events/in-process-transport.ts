import type { DomainEvent } from './domain-event';
import type { EventSubscription, EventTransport } from './transport';
import { WakeSignal } from './wake-signal';

export interface InProcessTransportOptions {
  /** How long a subscription waits before delivering again an event whose delivery rejected. Default 1000 ms. */
  redeliverDelayMs?: number;
}

/** A consumer group: how far it read the log, and what it was handed but has not acknowledged. */
interface Group {
  /** Position (counted from the first event ever published) of the first event no subscription of the group was handed yet. */
  next: number;
  /** Handed out and not acknowledged: index → the subscription holding it, or null once released (to be redelivered). */
  unacked: Map<number, object | null>;
}

/**
 * The event transport of one process: an in-memory log with consumer groups, the same semantics as the
 * Redis Streams transport. Every subgraph of the process shares one instance. A group keeps its
 * position while it has no subscription, so a subgraph stopped and opened again catches up; an event
 * handed to a subscription that closed or whose delivery rejected goes to the group's next delivery.
 * A new group starts from the first event still held, as a Redis group created from '0' does. Events
 * live until `trim` removes them (every group acknowledged them and they are older than the
 * retention), or as long as the process (nothing survives a restart of it: use Redis for that).
 */
export function createInProcessTransport(options: InProcessTransportOptions = {}): EventTransport {
  const redeliverDelayMs = options.redeliverDelayMs ?? 1000;
  // Positions count from the first event ever published; `log[0]` is position `trimmed`.
  const log: { event: DomainEvent; publishedAt: number }[] = [];
  let trimmed = 0;
  const groups = new Map<string, Group>();
  const live = new Set<{ wake(): void; close(): Promise<void> }>();
  let closed = false;

  /** The group's next event for `holder`: a released one first (oldest), else the next of the log. */
  function take(group: Group, holder: object): number | undefined {
    let released: number | undefined;
    for (const [index, owner] of group.unacked)
      if (owner === null && (released === undefined || index < released)) released = index;
    const index = released ?? (group.next < trimmed + log.length ? group.next++ : undefined);
    if (index !== undefined) group.unacked.set(index, holder);
    return index;
  }

  return {
    kind: 'in-process',

    async publish(events) {
      if (closed) throw new Error('the in-process event transport is closed');
      // A copy, as a serializing transport would hand out: no consumer sees another's mutations.
      const publishedAt = Date.now();
      for (const event of events) log.push({ event: structuredClone(event), publishedAt });
      for (const subscription of live) subscription.wake();
    },

    async subscribe(
      subscription: EventSubscription,
      deliver: (event: DomainEvent) => Promise<void>,
    ) {
      if (closed) throw new Error('the in-process event transport is closed');
      let group = groups.get(subscription.group);
      if (!group) groups.set(subscription.group, (group = { next: trimmed, unacked: new Map() }));
      const state = group;
      const types = new Set(subscription.types);
      const signal = new WakeSignal();
      // Woken only by close: a publication does not cut short the pause after a failed delivery.
      const pause = new WakeSignal();
      const holder = {};
      let stopping = false;

      const loop = (async () => {
        while (!stopping) {
          const index = take(state, holder);
          if (index === undefined) {
            await signal.wait();
            continue;
          }
          const { event } = log[index - trimmed];
          if (!types.has(event.type)) {
            state.unacked.delete(index);
            continue;
          }
          try {
            await deliver(structuredClone(event));
            state.unacked.delete(index);
          } catch {
            // Not acknowledged: released for the group's next delivery, after a pause so a failing consumer does not spin.
            state.unacked.set(index, null);
            await pause.wait(redeliverDelayMs);
          }
        }
      })();

      const handle = {
        wake: () => signal.wake(),
        async close() {
          stopping = true;
          signal.wake();
          pause.wake();
          await loop;
          live.delete(handle);
          for (const [index, owner] of state.unacked)
            if (owner === holder) state.unacked.set(index, null);
          for (const other of live) other.wake();
        },
      };
      live.add(handle);
      return { close: handle.close };
    },

    async trim(olderThan) {
      // The first position some group still needs: its oldest unacknowledged event, else its next.
      let needed = trimmed + log.length;
      for (const group of groups.values()) {
        needed = Math.min(needed, group.next);
        for (const index of group.unacked.keys()) needed = Math.min(needed, index);
      }
      let count = 0;
      while (
        count < needed - trimmed &&
        count < log.length &&
        log[count].publishedAt < olderThan.getTime()
      )
        count++;
      log.splice(0, count);
      trimmed += count;
      return count;
    },

    async close() {
      closed = true;
      await Promise.all([...live].map((subscription) => subscription.close()));
    },
  };
}
