/**
 * Where the gateway's supergraph comes from, and how it follows new ones: a file (composed once at
 * start), or the schema registry when REGISTRY_URL is set.
 *
 * From the registry the gateway takes the current supergraph at start; when the registry cannot be
 * reached it starts from the disk copy of the last good one (supergraph-cache-file.ts) with a
 * warning, and without a copy it does not start. Then it long-polls `GET /supergraph` with the ETag
 * it holds: the registry answers as soon as a version is published (at once for a publish on the
 * same registry process, within its database poll for one on another replica), else 304 after the
 * wait, and the gateway asks again. Long-poll rather than Redis pub/sub because it needs nothing
 * but the registry: it works without Redis (npm start's default, and a gateway on the memory store),
 * each replica asks for itself so none misses a message while disconnected (the ETag says what it
 * holds, and the next answer brings it up to date), and the same request serves the first fetch.
 *
 * A supergraph that fails to load (SDL that does not build, a governance guard's refusal,
 * @apollo/gateway's refusal: SupergraphSource.update throws on each) never replaces the served
 * one: it is logged and kept in `status().refused` until a later version loads.
 *
 * Beside the supergraph the gateway follows the registry's deprecations feed the same way
 * (registry-deprecations.ts): fetched at start with the supergraph, then long-polled. Without
 * REGISTRY_URL the feed stays empty: nothing is deprecated.
 */
import type { FastifyBaseLogger } from 'fastify';
import { Agent } from 'undici';
import type { GatewayConfig } from '../config';
import type { SupergraphSource } from '../supergraph-manager';
import { loadSupergraph } from '../supergraph-config';
import { DeprecationFeed } from '../governance/deprecations/deprecation-feed';
import { deprecationsFollower, type DeprecationsStatus } from './registry-deprecations';
import { longPoll } from './registry-long-poll';
import { fetchRegistrySupergraph, RegistryCredentialError } from './registry-supergraph';
import {
  readCachedSupergraph,
  writeCachedSupergraph,
  type PublishedSupergraph,
} from './supergraph-cache-file';

/** The supergraph being served and where it came from. */
export interface ServedSupergraph {
  /** `registry`; `disk-copy` (the registry was down at start); `file` (SUPERGRAPH_FILE); `given` (by the embedding code). */
  from: 'registry' | 'disk-copy' | 'file' | 'given';
  /** The registry's graph version and ETag; null when not from the registry or not known. */
  version: number | null;
  etag: string | null;
  loadedAt: string;
  file?: string;
}

/** A published supergraph the gateway did not load, and why. */
export interface RefusedSupergraph {
  version: number;
  etag: string;
  reason: string;
  refusedAt: string;
}

/** What GET /admin/supergraph answers. */
export interface SupergraphStatus {
  serving: ServedSupergraph;
  /** Newest first, the last REFUSED_KEPT. Emptied when a later version loads. */
  refused: RefusedSupergraph[];
  registry: {
    url: string;
    reachable: boolean;
    lastContactAt: string | null;
    lastError: string | null;
  } | null;
  /** The registry's deprecations feed held (from the registry only). */
  deprecations?: DeprecationsStatus;
}

export interface SupergraphOrigin {
  /** The supergraph to start serving. */
  readonly sdl: string;
  /** The deprecations the registry publishes, kept current while following; empty without a registry. */
  readonly deprecations: DeprecationFeed;
  status(): SupergraphStatus;
  /** Keeps `source` on the registry's current version from now on (nothing to follow for a file). */
  follow(source: SupergraphSource, log: SupergraphLog): void;
  /** Stops following; waits for the disk copy being written. */
  close(): Promise<void>;
}

export type SupergraphLog = Pick<FastifyBaseLogger, 'info' | 'warn' | 'error'>;

export interface SupergraphOriginOptions {
  /** How long the first fetch from the registry may take before the gateway starts from the disk copy. Default 5 s. */
  startTimeoutMs?: number;
  /** The long-poll's wait (the registry caps it at its own maximum). Default 25 s. */
  waitSeconds?: number;
  /** Longest pause between attempts while the registry is unreachable. Default 2 s (a new version within 5 s of its return). */
  maxRetryMs?: number;
  now?: () => Date;
}

const REFUSED_KEPT = 10;

/** The origin `config` names: `given` SDL first (tests, embedding), then REGISTRY_URL, then the supergraph file. */
export async function openSupergraphOrigin(
  config: GatewayConfig,
  given?: string,
  options: SupergraphOriginOptions = {},
): Promise<SupergraphOrigin> {
  const now = options.now ?? (() => new Date());
  if (given !== undefined || !config.registryUrl) {
    const sdl = given ?? loadSupergraph(config.supergraphFile);
    const serving: ServedSupergraph =
      given !== undefined
        ? { from: 'given', version: null, etag: null, loadedAt: now().toISOString() }
        : {
            from: 'file',
            version: null,
            etag: null,
            loadedAt: now().toISOString(),
            file: config.supergraphFile,
          };
    return {
      sdl,
      deprecations: new DeprecationFeed(),
      status: () => ({ serving, refused: [], registry: null }),
      follow() {},
      close: async () => {},
    };
  }
  return openRegistryOrigin(config.registryUrl, config.registryToken ?? '', config, options, now);
}

async function openRegistryOrigin(
  registryUrl: string,
  token: string,
  config: GatewayConfig,
  options: SupergraphOriginOptions,
  now: () => Date,
): Promise<SupergraphOrigin> {
  const cacheFile = config.supergraphCacheFile;
  const registry: NonNullable<SupergraphStatus['registry']> = {
    url: registryUrl,
    reachable: false,
    lastContactAt: null,
    lastError: null,
  };
  // Its own connections to the registry, destroyed on close: an embedding process (a test) that
  // closes the gateway leaves no socket the registry would wait for on its own close.
  const dispatcher = new Agent({ connections: 3 });
  const deprecations = new DeprecationFeed();
  const feedFollower = deprecationsFollower({
    registryUrl,
    token,
    feed: deprecations,
    dispatcher,
    waitSeconds: options.waitSeconds ?? 25,
    maxRetryMs: options.maxRetryMs ?? 2_000,
    cacheFile: `${config.supergraphCacheFile}.deprecations.json`,
  });
  const startSignal = AbortSignal.timeout(options.startTimeoutMs ?? 5_000);
  // Asked with the supergraph, so a gateway starts enforcing the sunsets already past.
  const firstFeed = feedFollower.fetchFirst(startSignal);
  let serving: ServedSupergraph;
  let startWarning: string | null = null;
  let sdl: string;
  /** What the next long-poll sends as If-None-Match: the last version served or refused. */
  let knownEtag: string | null;
  /** Written to disk once it has loaded (it becomes "last good" only then). */
  let unsaved: PublishedSupergraph | null = null;

  try {
    const answer = await fetchRegistrySupergraph({
      registryUrl,
      token,
      signal: startSignal,
      dispatcher,
    });
    if (!answer.changed) throw new Error(`the registry at ${registryUrl} answered 304 unasked`);
    const { supergraph } = answer;
    Object.assign(registry, { reachable: true, lastContactAt: now().toISOString() });
    sdl = supergraph.sdl;
    knownEtag = supergraph.etag;
    unsaved = supergraph;
    serving = {
      from: 'registry',
      version: supergraph.version,
      etag: supergraph.etag,
      loadedAt: now().toISOString(),
    };
  } catch (error) {
    // A refused credential is a configuration error: serving an old copy would hide it.
    if (error instanceof RegistryCredentialError) {
      await firstFeed;
      await dispatcher.destroy();
      throw error;
    }
    const reason = (error as Error).message;
    registry.lastError = reason;
    const cached = await readCachedSupergraph(cacheFile);
    if (!cached) {
      await firstFeed;
      await dispatcher.destroy();
      throw new Error(
        `${reason}; and there is no disk copy of a supergraph at ${cacheFile} (SUPERGRAPH_CACHE_FILE) to start from`,
        { cause: error },
      );
    }
    sdl = cached.sdl;
    knownEtag = cached.etag;
    serving = {
      from: 'disk-copy',
      version: cached.version,
      etag: cached.etag,
      loadedAt: now().toISOString(),
      file: cacheFile,
    };
    startWarning = `starting from the disk copy ${cacheFile} (registry version ${cached.version ?? 'unknown'}): ${reason}`;
  }

  await firstFeed;
  const refused: RefusedSupergraph[] = [];
  const stopping = new AbortController();
  let following: Promise<void> = Promise.resolve();
  let followingFeed: Promise<void> = Promise.resolve();
  let writes: Promise<void> = Promise.resolve();

  function save(supergraph: PublishedSupergraph, log: SupergraphLog) {
    writes = writes
      .then(() => writeCachedSupergraph(cacheFile, supergraph))
      .catch((error: unknown) =>
        log.warn({ err: error, file: cacheFile }, 'could not keep the supergraph on disk'),
      );
  }

  function apply(source: SupergraphSource, supergraph: PublishedSupergraph, log: SupergraphLog) {
    knownEtag = supergraph.etag;
    const started = performance.now();
    // A rollback can publish the very supergraph served: a new version and ETag, nothing to swap.
    if (supergraph.sdl !== source.current) {
      try {
        source.update(supergraph.sdl);
      } catch (error) {
        const reason = (error as Error).message;
        // Swapped, then a module's rebuild threw: it is served all the same; say so, do not call it refused.
        if (source.current === supergraph.sdl)
          log.error(
            { version: supergraph.version, reason },
            `supergraph version ${supergraph.version} is served, but rebuilding what governance derives from it failed`,
          );
        else {
          refused.unshift({
            version: supergraph.version,
            etag: supergraph.etag,
            reason,
            refusedAt: now().toISOString(),
          });
          refused.splice(REFUSED_KEPT);
          log.error(
            { version: supergraph.version, reason },
            `supergraph version ${supergraph.version} refused; still serving version ${serving.version ?? 'unknown'}`,
          );
          return;
        }
      }
    }
    serving = {
      from: 'registry',
      version: supergraph.version,
      etag: supergraph.etag,
      loadedAt: now().toISOString(),
    };
    refused.length = 0;
    const swapMs = Math.round(performance.now() - started);
    log.info(
      { version: supergraph.version, swapMs },
      `serving supergraph version ${supergraph.version}`,
    );
    save(supergraph, log);
  }

  function poll(source: SupergraphSource, log: SupergraphLog) {
    return longPoll({
      signal: stopping.signal,
      maxRetryMs: options.maxRetryMs ?? 2_000,
      ask: (signal) =>
        fetchRegistrySupergraph({
          registryUrl,
          token,
          etag: knownEtag,
          waitSeconds: options.waitSeconds ?? 25,
          signal,
          dispatcher,
        }),
      answered(answer) {
        if (!registry.reachable) log.info({ registry: registryUrl }, 'the registry answers again');
        Object.assign(registry, {
          reachable: true,
          lastContactAt: now().toISOString(),
          lastError: null,
        });
        if (answer.changed) apply(source, answer.supergraph, log);
      },
      failed(error) {
        const reason = (error as Error).message;
        if (registry.reachable || registry.lastError !== reason)
          log.warn(
            { registry: registryUrl, reason },
            `the registry cannot be reached; still serving supergraph version ${serving.version ?? 'unknown'}`,
          );
        Object.assign(registry, { reachable: false, lastError: reason });
        return undefined;
      },
    });
  }

  return {
    sdl,
    deprecations,
    status: () => ({
      serving: { ...serving },
      refused: [...refused],
      registry: { ...registry },
      deprecations: feedFollower.status(),
    }),
    follow(source, log) {
      if (startWarning) log.warn({ registry: registryUrl }, startWarning);
      if (unsaved) save(unsaved, log);
      following = poll(source, log);
      followingFeed = feedFollower.follow(log, stopping.signal);
    },
    async close() {
      stopping.abort();
      await following;
      await followingFeed;
      await writes;
      await dispatcher.destroy();
    },
  };
}
