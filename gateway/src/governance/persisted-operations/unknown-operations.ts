/**
 * The operations consumers in audit mode run without registering them, so a team sees when its
 * client is ready for `persisted-only`. Counted in process and written in batches (no store write
 * per request): `pq:unknown:<consumer>:<sha256>` holds { name, firstSeen, lastSeen },
 * `pq:unknown-count:<consumer>:<sha256>` the count; both expire `unknownOperationsRetentionDays`
 * after the operation was first seen. Two replicas flushing the same operation at the same instant
 * may each keep their own last-seen time (off by at most one flush interval); counts are exact.
 */
import type { ManifestRegistry } from './manifest-registry';
import type { GovernanceStore } from '../store/governance-store';

/** An operation a consumer in audit mode ran without registering it. */
export interface UnknownOperation {
  consumer: string;
  /** sha-256 of the document: the id it would have in a manifest. */
  id: string;
  name: string | null;
  firstSeen: string;
  lastSeen: string;
  count: number;
}

interface Sighting {
  consumer: string;
  id: string;
  name: string | null;
  firstSeen: number;
  lastSeen: number;
  count: number;
}

/** The module's settings this log reads (PersistedOperationsOptions, defaults applied). */
interface UnknownSettings {
  cacheSize: number;
  unknownOperationsFlushIntervalMs: number;
  unknownOperationsRetentionDays: number;
}

interface UnknownDeps {
  store: GovernanceStore;
  now?: () => number;
  onStoreError?: (error: unknown) => void;
}

export type UnknownOperationLog = ReturnType<typeof createUnknownOperationLog>;

/** Sightings buffered per (consumer, id) and flushed every `unknownOperationsFlushIntervalMs`; a failed flush keeps them for the next. */
export function createUnknownOperationLog(
  settings: UnknownSettings,
  deps: UnknownDeps,
  registry: ManifestRegistry,
) {
  const { store } = deps;
  const now = deps.now ?? Date.now;
  const retentionMs = settings.unknownOperationsRetentionDays * 86_400_000;
  const recordKey = (consumer: string, id: string) => `pq:unknown:${consumer}:${id}`;
  const countKey = (consumer: string, id: string) => `pq:unknown-count:${consumer}:${id}`;
  let buffer = new Map<string, Sighting>();
  let flushing: Promise<void> | null = null;
  const timer = setInterval(() => {
    if (buffer.size > 0) flush().catch(() => {});
  }, settings.unknownOperationsFlushIntervalMs);
  timer.unref();

  function record(consumer: string, id: string, name: string | null): void {
    const key = `${consumer}\n${id}`;
    const at = now();
    const sighting = buffer.get(key);
    if (sighting) {
      sighting.count++;
      sighting.lastSeen = at;
    } else if (buffer.size < settings.cacheSize) {
      // Bounded: a client sending ever-new documents cannot grow the buffer past the cache size between flushes.
      buffer.set(key, { consumer, id, name, firstSeen: at, lastSeen: at, count: 1 });
    }
  }

  async function write(sighting: Sighting): Promise<void> {
    // A free-form document that is in the consumer's manifest is known, however it was sent.
    if (await registry.has(sighting.consumer, sighting.id)) return;
    const key = recordKey(sighting.consumer, sighting.id);
    const previous = JSON.parse((await store.get(key)) ?? 'null') as {
      name: string | null;
      firstSeen: number;
      lastSeen: number;
    } | null;
    const live = previous && previous.firstSeen + retentionMs > now() ? previous : null;
    const firstSeen = Math.min(live?.firstSeen ?? sighting.firstSeen, sighting.firstSeen);
    const ttlSeconds = Math.max(1, Math.ceil((firstSeen + retentionMs - now()) / 1000));
    // A count outliving its record belongs to an expired sighting (or a write cut short): start over.
    if (!live) await store.delete(countKey(sighting.consumer, sighting.id));
    // Record before count: a flush retried after a failure between the two counts its sightings once.
    await store.set(
      key,
      JSON.stringify({
        name: sighting.name ?? live?.name ?? null,
        firstSeen,
        lastSeen: Math.max(live?.lastSeen ?? 0, sighting.lastSeen),
      }),
      ttlSeconds,
    );
    await store.increment(countKey(sighting.consumer, sighting.id), sighting.count, ttlSeconds);
  }

  function flush(): Promise<void> {
    flushing ??= (async () => {
      try {
        const batch = [...buffer.values()];
        buffer = new Map();
        const failed: Sighting[] = [];
        let firstError: unknown;
        await Promise.all(
          batch.map((sighting) =>
            write(sighting).catch((error) => {
              failed.push(sighting);
              firstError ??= error;
            }),
          ),
        );
        // Kept for the next flush, merged with what arrived meanwhile, so nothing counted is lost.
        for (const sighting of failed) {
          const key = `${sighting.consumer}\n${sighting.id}`;
          const newer = buffer.get(key);
          buffer.set(
            key,
            newer
              ? { ...sighting, count: sighting.count + newer.count, lastSeen: newer.lastSeen }
              : sighting,
          );
        }
        if (failed.length > 0) throw firstError;
      } finally {
        flushing = null;
      }
    })();
    return flushing;
  }

  async function list(consumer?: string): Promise<UnknownOperation[]> {
    // This replica's latest sightings first; the others' arrive with their next flush.
    await flush().catch((error) => deps.onStoreError?.(error));
    const prefix = consumer ? `pq:unknown:${consumer}:` : 'pq:unknown:';
    const keys = await store.keys(prefix);
    const operations = await Promise.all(
      keys.map(async (key) => {
        const [consumerId, id] = key.slice('pq:unknown:'.length).split(':');
        const [text, count] = await Promise.all([
          store.get(key),
          store.counter(countKey(consumerId, id)),
        ]);
        if (!text) return null;
        const { name, firstSeen, lastSeen } = JSON.parse(text) as {
          name: string | null;
          firstSeen: number;
          lastSeen: number;
        };
        return {
          consumer: consumerId,
          id,
          name,
          firstSeen: new Date(firstSeen).toISOString(),
          lastSeen: new Date(lastSeen).toISOString(),
          count,
        } satisfies UnknownOperation;
      }),
    );
    return operations
      .filter((operation): operation is UnknownOperation => operation !== null)
      .sort((a, b) => b.lastSeen.localeCompare(a.lastSeen) || b.count - a.count);
  }

  return {
    record,
    flush,
    list,
    async close() {
      clearInterval(timer);
      await flush().catch((error) => deps.onStoreError?.(error));
    },
  };
}
