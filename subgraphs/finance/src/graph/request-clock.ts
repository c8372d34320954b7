import type { Context } from './builder';

const nowOfRequest = new WeakMap<Context, string>();

/**
 * "Now" for one request, read once: every balance and aging field of a request is computed at
 * the same instant, so they agree with each other and share one aggregate query.
 */
export function requestNow(ctx: Context): string {
  let now = nowOfRequest.get(ctx);
  if (!now) {
    now = new Date().toISOString();
    nowOfRequest.set(ctx, now);
  }
  return now;
}
