/**
 * The last good supergraph from the registry, on disk: the SDL in `file` and what the registry
 * said of it (version, ETag, content digest) in `file.json`, so a gateway starts and serves while
 * the registry is down. Each file is written whole (temporary file, then rename); a record whose
 * digest does not match the SDL beside it is ignored and the SDL is served as of an unknown version.
 */
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';

/** A supergraph as the registry published it. */
export interface PublishedSupergraph {
  sdl: string;
  /** The registry's graph version. */
  version: number;
  /** The registry's ETag for it (what the next long-poll sends as If-None-Match). */
  etag: string;
}

/** What the disk copy holds: the SDL, and its version and ETag when its record is intact. */
export interface CachedSupergraph {
  sdl: string;
  version: number | null;
  etag: string | null;
}

const recordFileOf = (file: string) => `${file}.json`;
const digestOf = (sdl: string) => createHash('sha256').update(sdl).digest('hex');

/** The disk copy, or null when there is none (a missing or empty file). Other read errors throw. */
export async function readCachedSupergraph(file: string): Promise<CachedSupergraph | null> {
  const sdl = await readIfPresent(file);
  if (!sdl) return null;
  const record = parseRecord(await readIfPresent(recordFileOf(file)));
  return record && record.sha256 === digestOf(sdl)
    ? { sdl, version: record.version, etag: record.etag }
    : { sdl, version: null, etag: null };
}

/** Keeps `supergraph` as the disk copy (creating the folder). */
export async function writeCachedSupergraph(
  file: string,
  supergraph: PublishedSupergraph,
): Promise<void> {
  // The SDL first: a crash between the two leaves a record that no longer matches, which is ignored.
  await writeWhole(file, supergraph.sdl);
  await writeWhole(
    recordFileOf(file),
    `${JSON.stringify({ version: supergraph.version, etag: supergraph.etag, sha256: digestOf(supergraph.sdl) })}\n`,
  );
}

async function readIfPresent(file: string): Promise<string | null> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

function parseRecord(
  text: string | null,
): { version: number; etag: string; sha256: string } | null {
  if (!text) return null;
  try {
    const record = JSON.parse(text) as Record<string, unknown>;
    return Number.isSafeInteger(record.version) &&
      typeof record.etag === 'string' &&
      typeof record.sha256 === 'string'
      ? (record as { version: number; etag: string; sha256: string })
      : null;
  } catch {
    return null;
  }
}

/** Writes `file` whole (a temporary file, then rename; creating the folder): a reader never sees half of it. */
export async function writeWhole(file: string, text: string): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
  await fs.writeFile(temporary, text, 'utf8');
  await fs.rename(temporary, file);
}
