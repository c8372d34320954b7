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
import fs from 'node:fs/promises';
import type { Dispatcher } from 'undici';
import {
  readDeprecationFeed,
  type DeprecationFeed,
  type DeprecationFeedVersion,
} from '../governance/deprecations/deprecation-feed';
import { getFromRegistry, messageOf, parseJson, type RegistryRequest } from './registry-supergraph';
import { writeWhole } from './supergraph-cache-file';
import { longPoll } from './registry-long-poll';
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
  const response = await getFromRegistry(request, '/deprecations');
  if (!response) return { changed: false };
  const { status, text, etag } = response;
  if (status === 404)
    throw new NoDeprecationsRouteError(
      `the registry at ${request.registryUrl} serves no deprecations (GET /deprecations answered 404)`,
    );
  if (status !== 200)
    throw new Error(
      `the registry at ${request.registryUrl} answered GET /deprecations with ${status}${messageOf(text)}`,
    );
  const body = parseJson(text);
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
      await longPoll({
        signal,
        maxRetryMs: options.maxRetryMs,
        ask: (polling) => request(polling, options.waitSeconds),
        answered(answer) {
          if (answer.changed)
            log.info(
              { deprecations: answer.feed.byCoordinate.size, etag: answer.feed.etag },
              'deprecations feed loaded',
            );
          take(answer, log);
        },
        failed(error) {
          const reason = (error as Error).message;
          if (reason !== lastError)
            log.warn(
              { registry: registryUrl, reason },
              `deprecations feed not updated; still enforcing ${feed.current.byCoordinate.size} deprecations`,
            );
          lastError = reason;
          return error instanceof NoDeprecationsRouteError ? 60_000 : undefined;
        },
      });
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
