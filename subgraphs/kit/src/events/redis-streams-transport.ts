import Redis from 'ioredis';
import type { DomainEvent } from './domain-event';
import { errorMessage, SILENT_EVENT_LOG, type EventLog } from './event-log';
import type { EventSubscription, EventTransport } from './transport';
import { WakeSignal } from './wake-signal';

export interface RedisStreamsTransportOptions {
  redisUrl: string;
  /** Every key starts with it; the events are the stream `<keyPrefix>:stream`. Default `switchyard:events` (tests use a random one). */
  keyPrefix?: string;
  /** How long one read waits for new entries before looking at claims again. Default 2000 ms. */
  blockMs?: number;
  /** An entry pending this long at another consumer of the group (a dead process) is claimed and delivered here. Default 60000 ms. */
  claimIdleMs?: number;
  /** Entries per read. Default 10. */
  batchSize?: number;
  /** How long a subscription waits after a delivery rejected (or Redis failed) before reading its pending entries again. Default 1000 ms. */
  redeliverDelayMs?: number;
  log?: EventLog;
}

export interface RedisStreamsTransport extends EventTransport {
  /** The stream's key (for operators and for tests that clean up). */
  readonly streamKey: string;
}

/** One entry as XREADGROUP answers it; the fields are null when the entry was deleted while pending. */
type Entry = [id: string, fields: string[] | null];
type ReadReply = [stream: string, entries: Entry[]][] | null;

/**
 * The event transport of several processes: one Redis stream of every event, a consumer group per
 * handler. A group is created from the stream's first entry ('0'), not from its end: a handler deployed
 * after events were published, or a subgraph whose group did not exist yet when the first orders came in,
 * still processes them (consumers are idempotent, so history is safe to see). Each subscription reads on
 * its own connection: its own pending entries first (what it was handed before a crash), then new ones
 * with BLOCK; an entry is acknowledged (XACK) once delivered, and entries left pending by a dead consumer
 * are claimed after `claimIdleMs` (XAUTOCLAIM).
 */
export function createRedisStreamsTransport(
  options: RedisStreamsTransportOptions,
): RedisStreamsTransport {
  const streamKey = `${options.keyPrefix ?? 'switchyard:events'}:stream`;
  const blockMs = options.blockMs ?? 2000;
  const claimIdleMs = options.claimIdleMs ?? 60_000;
  const batchSize = options.batchSize ?? 10;
  const redeliverDelayMs = options.redeliverDelayMs ?? 1000;
  const log = options.log ?? SILENT_EVENT_LOG;
  // Fail a command after one reconnection attempt: the relay and the loops retry on their own schedule.
  // A short disconnectTimeout: a socket that never connected otherwise holds close (and the process) for 2 s.
  const commands = connect(
    new Redis(options.redisUrl, { maxRetriesPerRequest: 1, disconnectTimeout: 100 }),
    'commands',
  );
  const subscriptions = new Set<{ close(): Promise<void> }>();

  function connect(redis: Redis, role: string): Redis {
    let reported = '';
    redis.on('error', (error) => {
      if (error.message !== reported)
        log.warn(
          { err: error.message, role, streamKey },
          'redis streams transport: connection error',
        );
      reported = error.message;
    });
    redis.on('ready', () => (reported = ''));
    return redis;
  }

  async function ensureGroup(group: string) {
    try {
      await commands.xgroup('CREATE', streamKey, group, '0', 'MKSTREAM');
    } catch (error) {
      if (!errorMessage(error).includes('BUSYGROUP')) throw error;
    }
  }

  return {
    kind: 'redis-streams',
    streamKey,

    async publish(events) {
      if (events.length === 0) return;
      const batch = commands.multi();
      for (const event of events) batch.xadd(streamKey, '*', ...toFields(event));
      const results = await batch.exec();
      const failed = results?.find(([error]) => error);
      if (!results || failed)
        throw new Error(
          `XADD to ${streamKey} failed: ${failed ? errorMessage(failed[0]) : 'transaction aborted'}`,
        );
    },

    async subscribe(
      subscription: EventSubscription,
      deliver: (event: DomainEvent) => Promise<void>,
    ) {
      const { group, consumer } = subscription;
      const types = new Set(subscription.types);
      const reader = connect(commands.duplicate(), `reader ${group}`);
      const pause = new WakeSignal();
      let stopping = false;

      const read = async (from: string, block: boolean): Promise<Entry[]> => {
        const blocking = block ? ['BLOCK', blockMs] : [];
        const reply = (await reader.call(
          'XREADGROUP',
          'GROUP',
          group,
          consumer,
          'COUNT',
          batchSize,
          ...blocking,
          'STREAMS',
          streamKey,
          from,
        )) as ReadReply;
        return reply?.[0]?.[1] ?? [];
      };

      /** Takes over what other consumers of the group left pending too long; true when it took any. */
      const claim = async (): Promise<boolean> => {
        let start = '0-0';
        let claimed = 0;
        do {
          const [next, ids] = (await reader.call(
            'XAUTOCLAIM',
            streamKey,
            group,
            consumer,
            claimIdleMs,
            start,
            'COUNT',
            batchSize,
            'JUSTID',
          )) as [string, string[]];
          claimed += ids.length;
          start = next;
        } while (start !== '0-0' && !stopping);
        return claimed > 0;
      };

      const loop = (async () => {
        let groupReady = false;
        // Own pending entries first ('0', then after the last one read); null once none is left.
        let pendingAfter: string | null = '0';
        let claimedAt = 0;
        while (!stopping) {
          try {
            if (!groupReady) {
              await ensureGroup(group);
              groupReady = true;
            }
            let entries: Entry[];
            if (pendingAfter !== null) {
              entries = await read(pendingAfter, false);
              pendingAfter = entries.length > 0 ? entries[entries.length - 1][0] : null;
            } else if (Date.now() - claimedAt >= claimIdleMs / 2) {
              claimedAt = Date.now();
              if (await claim()) pendingAfter = '0';
              continue;
            } else {
              entries = await read('>', true);
            }
            for (const [id, fields] of entries) {
              if (stopping) break;
              const event = fields ? fromFields(fields) : null;
              // A deleted or unreadable entry cannot be delivered, now or later: acknowledged, and said.
              if (fields && !event)
                log.error(
                  { entryId: id, group, streamKey },
                  'redis streams transport: an entry is not an event; acknowledged without delivery',
                );
              if (event && types.has(event.type)) await deliver(event);
              await commands.xack(streamKey, group, id);
            }
          } catch (error) {
            if (stopping) break;
            if (errorMessage(error).includes('NOGROUP')) groupReady = false;
            log.warn(
              { err: errorMessage(error), group, consumer, streamKey },
              'redis streams transport: delivery or read failed; reading pending entries again',
            );
            // What was not acknowledged is read again from the pending list, in order.
            pendingAfter = '0';
            await pause.wait(redeliverDelayMs);
          }
        }
      })();

      const handle = {
        async close() {
          stopping = true;
          pause.wake();
          // A blocked XREADGROUP ends only with its connection; a delivery in progress finishes (and acks) first.
          reader.disconnect();
          await loop;
          subscriptions.delete(handle);
        },
      };
      subscriptions.add(handle);
      return handle;
    },

    async trim(olderThan) {
      const removed = await commands.eval(TRIM_ACKNOWLEDGED, 1, streamKey, olderThan.getTime());
      return Number(removed);
    },

    async close() {
      await Promise.all([...subscriptions].map((s) => s.close()));
      commands.disconnect();
    },
  };
}

/**
 * XTRIM MINID to the first entry some group still needs, and never past the retention: for each
 * group, its oldest pending entry (handed out, not acknowledged) or else the entry after its
 * last-delivered id; the smallest of those and `<cutoff ms>-0` is the MINID (entries below it go).
 * One script, so no group reads or acknowledges between the look and the trim. KEYS: the stream;
 * ARGV: the cutoff (ms since the epoch). Answers how many entries went.
 */
const TRIM_ACKNOWLEDGED = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
local function parse(id)
  local ms, seq = string.match(id, '^(%d+)-(%d+)$')
  return tonumber(ms), tonumber(seq)
end
local floorMs, floorSeq = tonumber(ARGV[1]), 0
for _, group in ipairs(redis.call('XINFO', 'GROUPS', KEYS[1])) do
  local info = {}
  for i = 1, #group, 2 do info[group[i]] = group[i + 1] end
  local ms, seq
  if info['pending'] > 0 then
    ms, seq = parse(redis.call('XPENDING', KEYS[1], info['name'])[2])
  else
    ms, seq = parse(info['last-delivered-id'])
    seq = seq + 1
  end
  if ms < floorMs or (ms == floorMs and seq < floorSeq) then floorMs, floorSeq = ms, seq end
end
return redis.call('XTRIM', KEYS[1], 'MINID', string.format('%d-%d', floorMs, floorSeq))
`;

function toFields(event: DomainEvent): string[] {
  return [
    'id',
    event.id,
    'type',
    event.type,
    'source',
    event.source,
    'aggregateId',
    event.aggregateId,
    'correlationId',
    event.correlationId,
    'occurredAt',
    event.occurredAt,
    'payload',
    JSON.stringify(event.payload),
  ];
}

function fromFields(fields: string[]): DomainEvent | null {
  const value: Record<string, string> = {};
  for (let i = 0; i + 1 < fields.length; i += 2) value[fields[i]] = fields[i + 1];
  if (!value.id || !value.type) return null;
  let payload: unknown;
  try {
    payload = JSON.parse(value.payload ?? 'null');
  } catch {
    return null;
  }
  return {
    id: value.id,
    type: value.type,
    source: value.source,
    aggregateId: value.aggregateId,
    correlationId: value.correlationId,
    occurredAt: value.occurredAt,
    payload,
  };
}
