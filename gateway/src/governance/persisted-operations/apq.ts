/**
 * Automatic persisted queries (APQ): documents by their sha-256, shared by every replica through
 * the governance store (Apollo Server's own APQ is off: it would cache per replica), the ones a
 * replica saw kept in its memory too. Content-addressed, so a cached document is never stale. The
 * store failing is a miss: the client re-sends the text, which runs.
 *
 * A document is remembered only once its operation passed every check (persisted-operations.ts
 * calls `remember` when execution starts), and written off the request path: `remember` queues it
 * and returns; one writer drains the queue. The queue is bounded, so a flood of novel documents
 * costs at most `writeQueueSize` waiting writes, the rest dropped (and counted): their clients
 * re-send the text next time, which is APQ's ordinary miss.
 */
import { LRUCache } from 'lru-cache';
import { GovernanceCode, GovernanceError } from '../errors';
import type { GovernanceStore } from '../store/governance-store';

/** How a queued APQ write ended: stored, refused by the store, or never queued (the queue was full). */
export type ApqWriteOutcome = 'stored' | 'failed' | 'dropped';

export interface ApqDocumentsOptions {
  store: GovernanceStore;
  /** How long a document stays in the store after it was last sent with its text (seconds). */
  ttlSeconds: number;
  /** Larger documents run but are not stored, so no consumer fills the shared store (bytes). */
  maxDocumentBytes: number;
  /** Documents kept in this replica's memory (LRU). */
  cacheSize: number;
  /** Documents waiting for the store; beyond it a new one is dropped. */
  writeQueueSize: number;
  onStoreError?: (error: unknown) => void;
  /** Told how each write ended (the gateway counts them in /metrics). */
  onWrite?: (outcome: ApqWriteOutcome) => void;
}

export interface ApqDocuments {
  /** The document this replica holds in memory: no store round trip for a hot hash. */
  cached(id: string): string | undefined;
  /** The document from the store; null when it holds none or does not answer. */
  load(id: string): Promise<string | null>;
  /** Keeps a document whose operation passed every check, for every replica: queued, never awaited by the request. */
  remember(id: string, text: string): void;
  /** Resolves once every queued write has ended (for close and tests). */
  settled(): Promise<void>;
}

export function createApqDocuments(options: ApqDocumentsOptions): ApqDocuments {
  const { store } = options;
  const documents = new LRUCache<string, string>({ max: options.cacheSize });
  // Insertion-ordered; a document already waiting is not queued twice.
  const queue = new Map<string, string>();
  let writing: Promise<void> | null = null;

  function degrade<T>(fallback: T): (error: unknown) => T {
    return (error) => {
      options.onStoreError?.(error);
      return fallback;
    };
  }

  async function drain(): Promise<void> {
    // After the current turn: the request that queued the document goes on first.
    await new Promise((resolve) => setImmediate(resolve));
    for (const [id, text] of queue) {
      queue.delete(id);
      try {
        await store.set(apqKey(id), text, options.ttlSeconds);
        options.onWrite?.('stored');
      } catch (error) {
        options.onStoreError?.(error);
        options.onWrite?.('failed');
      }
    }
  }

  function startWriting(): void {
    writing = drain().finally(() => {
      writing = null;
      // Queued between the last write and now.
      if (queue.size > 0) startWriting();
    });
  }

  return {
    cached: (id) => documents.get(id),
    async load(id) {
      const text = await store.get(apqKey(id)).catch(degrade(null));
      if (text) documents.set(id, text);
      return text;
    },
    remember(id, text) {
      if (Buffer.byteLength(text) > options.maxDocumentBytes) return;
      documents.set(id, text);
      if (!queue.has(id) && queue.size >= options.writeQueueSize) {
        options.onWrite?.('dropped');
        return;
      }
      queue.set(id, text);
      if (!writing) startWriting();
    },
    async settled() {
      while (writing) await writing;
    },
  };
}

const apqKey = (id: string) => `apq:${id}`;

/** APQ's answer to a hash it does not hold: 200, so clients (Apollo Client's APQ link) retry with the text. */
export const apqNotFound = () =>
  new GovernanceError(
    GovernanceCode.PERSISTED_QUERY_NOT_FOUND,
    'PersistedQueryNotFound: send the query with its hash to register it',
    {
      status: 200,
      headers: { 'cache-control': 'private, no-cache, must-revalidate' },
    },
  );

/** APQ's answer when it is off: 200, so clients send the text. */
export const apqNotSupported = () =>
  new GovernanceError(
    GovernanceCode.PERSISTED_QUERY_NOT_SUPPORTED,
    'PersistedQueryNotSupported: automatic persisted queries are off; send the query text',
    {
      status: 200,
      headers: { 'cache-control': 'private, no-cache, must-revalidate' },
    },
  );
