/**
 * How a gateway follows one of the registry's long-poll routes (`GET /supergraph`,
 * `GET /deprecations`): ask again as soon as an answer comes, back off (250 ms doubling to
 * `maxRetryMs`) while the registry cannot be reached, and stop when `signal` aborts.
 */

export interface LongPoll<Answer extends { changed: boolean }> {
  signal: AbortSignal;
  maxRetryMs: number;
  /** One long-poll request (held by the registry until something changes or its wait ends). */
  ask(signal: AbortSignal): Promise<Answer>;
  answered(answer: Answer): void;
  /** Told each failure; returns how long to wait before the next try when not the usual backoff. */
  failed(error: unknown): number | undefined;
}

export async function longPoll<Answer extends { changed: boolean }>(
  poll: LongPoll<Answer>,
): Promise<void> {
  const { signal } = poll;
  let retryMs = Math.min(250, poll.maxRetryMs);
  while (!signal.aborted) {
    const asked = performance.now();
    try {
      const answer = await poll.ask(signal);
      retryMs = Math.min(250, poll.maxRetryMs);
      poll.answered(answer);
      // A registry (or a proxy) that answers 304 without holding the request would make this a busy loop.
      if (!answer.changed && performance.now() - asked < 1_000) await pause(1_000, signal);
    } catch (error) {
      if (signal.aborted) return;
      const waitMs = poll.failed(error);
      if (waitMs !== undefined) await pause(waitMs, signal);
      else {
        await pause(retryMs, signal);
        retryMs = Math.min(retryMs * 2, poll.maxRetryMs);
      }
    }
  }
}

/** Resolves after `ms`, or at once when `signal` aborts. */
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
