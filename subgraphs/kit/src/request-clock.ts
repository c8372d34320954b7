const nowOfRequest = new WeakMap<object, string>();

/**
 * "Now" for one request, read once and kept with its context object: every price, balance and
 * aging field of a request is computed at the same instant, so they agree with each other (and
 * share one aggregate query where the instant is part of a loader's key).
 */
export function requestNow(ctx: object): string {
  let now = nowOfRequest.get(ctx);
  if (!now) {
    now = new Date().toISOString();
    nowOfRequest.set(ctx, now);
  }
  return now;
}
