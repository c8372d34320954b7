/** What a caller may send as a subgraph name and a candidate schema: refused (400 BAD_USER_INPUT) before any work. */
import { badInput } from './errors';

export interface Candidate {
  sdl: string;
  /** The routing URL; default the subgraph's current one (required for a new subgraph). */
  url?: string;
  /** A running deployment of the candidate, to replay the gateway's sampled traffic against (not kept). */
  endpoint?: string;
}

const SUBGRAPH_NAME = /^[a-z][a-z0-9_-]{0,63}$/;
/** An SDL larger than this is refused before composition (the six subgraphs' largest is ~60 KB). */
const MAX_SDL_BYTES = 2_000_000;

export function assertSubgraphName(name: string): void {
  if (!SUBGRAPH_NAME.test(name))
    throw badInput(
      `"${name.slice(0, 80)}" is not a subgraph name: 1-64 lowercase letters, digits, "_" or "-", starting with a letter`,
      { field: 'name' },
    );
}

export function assertCandidate(candidate: Candidate): void {
  if (typeof candidate.sdl !== 'string' || candidate.sdl.trim() === '')
    throw badInput('The schema (sdl) is empty', { field: 'sdl' });
  if (Buffer.byteLength(candidate.sdl) > MAX_SDL_BYTES)
    throw badInput(`The schema is over ${MAX_SDL_BYTES} bytes`, { field: 'sdl' });
  if (candidate.url !== undefined) assertHttpUrl(candidate.url, 'url', 'The routing URL');
  if (candidate.endpoint !== undefined)
    assertHttpUrl(candidate.endpoint, 'endpoint', 'The candidate endpoint');
}

function assertHttpUrl(value: string, field: string, what: string): void {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw badInput(`${what} "${value.slice(0, 200)}" is not a URL`, { field });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw badInput(`${what} must be http(s)`, { field });
}
