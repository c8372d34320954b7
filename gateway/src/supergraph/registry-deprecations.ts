/**
 * The registry's `GET /deprecations` (sunset dates, brownouts, waivers: see
 * governance/deprecations/deprecation-feed.ts), fetched beside the supergraph and followed the same
 * way: long-poll with the ETag held (`If-None-Match`, `?wait=`), 200 with a new feed or 304.
 *
 * A feed that cannot be fetched or read never replaces the one held: the gateway keeps enforcing the
 * last good one (empty until one arrives) and says so on GET /admin/supergraph. A registry without
 * the route (404, older than the lifecycle) means no deprecations, retried each minute.
 *
 * Each feed taken is kept on disk beside the supergraph's copy (`<SUPERGRAPH_CACHE_FILE>.deprecations.json`):
 * a gateway that starts while the registry is down enforces the sunsets it last knew, not none.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { fetch, type Dispatcher } from 'undici';
import {
  readDeprecationFeed,
  type DeprecationFeed,
  type DeprecationFeedVersion,
} from '../governance/deprecations/deprecation-feed';
import {
  causeOf,
  messageOf,
  parseJson,
  registryRequestHeaders,
  type RegistryRequest,
} from './registry-supergraph';
import type { SupergraphLog } from './supergraph-origin';

export type DeprecationsAnswer =
  | { changed: true; feed: DeprecationFeedVersion; etag: string | null; body: unknown }
  | { changed: false };

/** The registry has no deprecations route (404): an older registry, so nothing is deprecated. */
export class NoDeprecationsRouteError extends Error {}

/** Asks the registry for its deprecations; throws when it cannot be reached or answers anything unusable. */
export async function fetchRegistryDeprecations(
  request: RegistryRequest,
): Promise<DeprecationsAnswer> {
  const url = new URL(`${request.registryUrl}/deprecations`);
  if (request.waitSeconds) url.searchParams.set('wait', String(request.waitSeconds));
  let response: Awaited<ReturnType<typeof fetch>>;
  try {
    response = await fetch(url, {
      headers: registryRequestHeaders(request),
      signal: request.signal,
      dispatcher: request.dispatcher,
    });
  } catch (error) {
    throw new Error(`the registry at ${request.registryUrl} did not answer: ${causeOf(error)}`, {
      cause: error,
    });
  }
  if (response.status === 304) {
    await response.body?.cancel();
    return { changed: false };
  }
  const text = await response.text();
  if (response.status === 404)
    throw new NoDeprecationsRouteError(
      `the registry at ${request.registryUrl} serves no deprecations (GET /deprecations answered 404)`,
    );
  if (response.status !== 200)
    throw new Error(
      `the registry at ${request.registryUrl} answered GET /deprecations with ${response.status}${messageOf(text)}`,
    );
  const body = parseJson(text);
  const etag = response.headers.get('etag');
  return { changed: true, feed: readDeprecationFeed(body, etag), etag, body };
}

/** What GET /admin/supergraph says of the deprecations feed. */
export interface DeprecationsStatus {
  etag: string | null;
  coordinates: number;
  lastError: string | null;
}

export interface DeprecationsFollower {
  status(): DeprecationsStatus;
  /** Fetches once (at start, within the start timeout); a failure is kept as `lastError` and logged on follow. */
  fetchFirst(signal: AbortSignal): Promise<void>;
  /** Long-polls until `signal` aborts. */
  follow(log: SupergraphLog, signal: AbortSignal): Promise<void>;
}

export function deprecationsFollower(options: {
  registryUrl: string;
  token: string;
  feed: DeprecationFeed;
  dispatcher: Dispatcher;
  waitSeconds: number;
  maxRetryMs: number;
  /** The disk copy of the last feed taken. */
  cacheFile: string;
}): DeprecationsFollower {
  const { feed, registryUrl, cacheFile } = options;
  let lastError: string | null = null;
  let writes: Promise<void> = Promise.resolve();
  const request = (signal: AbortSignal, waitSeconds?: number) =>
    fetchRegistryDeprecations({
      registryUrl,
      token: options.token,
      etag: feed.current.etag,
      waitSeconds,
      signal,
      dispatcher: options.dispatcher,
    });
  const take = (answer: DeprecationsAnswer, log?: SupergraphLog) => {
    lastError = null;
    if (!answer.changed) return;
    feed.replace(answer.feed);
    writes = writes
      .then(() => writeWhole(cacheFile, JSON.stringify({ etag: answer.etag, body: answer.body })))
      .catch((error: unknown) =>
        log?.warn({ err: error, file: cacheFile }, 'could not keep the deprecations on disk'),
      );
  };

  return {
    status: () => ({
      etag: feed.current.etag,
      coordinates: feed.current.byCoordinate.size,
      lastError,
    }),
    async fetchFirst(signal) {
      try {
        take(await request(signal));
      } catch (error) {
        lastError = (error as Error).message;
        const copy = await readCopy(cacheFile);
        if (copy) {
          feed.replace(copy);
          lastError += ` (enforcing the disk copy ${cacheFile}, ETag ${copy.etag ?? 'unknown'})`;
        }
      }
    },
    async follow(log, signal) {
      if (lastError)
        log.warn(
          { registry: registryUrl, reason: lastError },
          'the deprecations feed could not be fetched at start',
        );
      let retryMs = Math.min(250, options.maxRetryMs);
      while (!signal.aborted) {
        const asked = performance.now();
        try {
          const answer = await request(signal, options.waitSeconds);
          if (answer.changed)
            log.info(
              { deprecations: answer.feed.byCoordinate.size, etag: answer.feed.etag },
              'deprecations feed loaded',
            );
          take(answer, log);
          retryMs = Math.min(250, options.maxRetryMs);
          // A registry (or a proxy) that answers 304 without holding the request would make this a busy loop.
          if (!answer.changed && performance.now() - asked < 1_000) await pause(1_000, signal);
        } catch (error) {
          if (signal.aborted) break;
          const reason = (error as Error).message;
          if (reason !== lastError)
            log.warn(
              { registry: registryUrl, reason },
              `deprecations feed not updated; still enforcing ${feed.current.byCoordinate.size} deprecations`,
            );
          lastError = reason;
          if (error instanceof NoDeprecationsRouteError) await pause(60_000, signal);
          else {
            await pause(retryMs, signal);
            retryMs = Math.min(retryMs * 2, options.maxRetryMs);
          }
        }
      }
      await writes;
    },
  };
}

/** The disk copy as a feed; null when there is none or it cannot be read (then nothing is known). */
async function readCopy(file: string): Promise<DeprecationFeedVersion | null> {
  try {
    const { etag, body } = JSON.parse(await fs.readFile(file, 'utf8')) as {
      etag: string | null;
      body: unknown;
    };
    return readDeprecationFeed(body, etag);
  } catch {
    return null;
  }
}

async function writeWhole(file: string, text: string): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
  await fs.writeFile(temporary, text, 'utf8');
  await fs.rename(temporary, file);
}

function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });
}
