import type { Context } from './builder';

const nowOfRequest = new WeakMap<Context, string>();

/** "Now" for one request, read once: every price of a request is computed at the same instant, so they agree. */
export function requestNow(ctx: Context): string {
  let now = nowOfRequest.get(ctx);
  if (!now) {
    now = new Date().toISOString();
    nowOfRequest.set(ctx, now);
  }
  return now;
}
