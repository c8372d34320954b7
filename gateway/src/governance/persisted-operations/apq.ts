/**
 * Automatic persisted queries (APQ): documents by their sha-256, shared by every replica through
 * the governance store (Apollo Server's own APQ is off: it would cache per replica), the ones a
 * replica saw kept in its memory too. Content-addressed, so a cached document is never stale. The
 * store failing is a miss: the client re-sends the text, which runs.
 */
import { LRUCache } from 'lru-cache';
import { GovernanceCode, GovernanceError } from '../errors';
import type { GovernanceStore } from '../store/governance-store';

export interface ApqDocumentsOptions {
  store: GovernanceStore;
  /** How long a document stays in the store after it was last sent with its text (seconds). */
  ttlSeconds: number;
  /** Larger documents run but are not stored, so no consumer fills the shared store (bytes). */
  maxDocumentBytes: number;
  /** Documents kept in this replica's memory (LRU). */
  cacheSize: number;
  onStoreError?: (error: unknown) => void;
}

export interface ApqDocuments {
  /** The document this replica holds in memory: no store round trip for a hot hash. */
  cached(id: string): string | undefined;
  /** The document from the store; null when it holds none or does not answer. */
  load(id: string): Promise<string | null>;
  /** Keeps a document sent with its hash, for every replica. */
  remember(id: string, text: string): Promise<void>;
}

export function createApqDocuments(options: ApqDocumentsOptions): ApqDocuments {
  const { store } = options;
  const documents = new LRUCache<string, string>({ max: options.cacheSize });

  function degrade<T>(fallback: T): (error: unknown) => T {
    return (error) => {
      options.onStoreError?.(error);
      return fallback;
    };
  }

  return {
    cached: (id) => documents.get(id),
    async load(id) {
      const text = await store.get(apqKey(id)).catch(degrade(null));
      if (text) documents.set(id, text);
      return text;
    },
    async remember(id, text) {
      if (Buffer.byteLength(text) > options.maxDocumentBytes) return;
      documents.set(id, text);
      // The request runs whether or not the store kept it; the client re-sends the text on a miss.
      await store.set(apqKey(id), text, options.ttlSeconds).catch(degrade(undefined));
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
