import type { IncomingHttpHeaders } from 'node:http';
import type { Dispatcher } from 'undici';

/** A subgraph's answer as it came off the wire: each caller parses its own copy of the text. */
export interface RawAnswer {
  statusCode: number;
  headers: IncomingHttpHeaders;
  text: string;
}

/** What a caller's wait rejects with once its own deadline passed (the call may go on for other callers). */
export class DeadlinePassed extends Error {
  constructor() {
    super('the deadline passed before the subgraph answered');
  }
}

/**
 * One HTTP call to a subgraph and the callers waiting for its answer (one, or several sharing it:
 * deduplication). It is undici's dispatch handler itself: the answer's bytes are collected straight
 * from the connection, without api.request's AsyncResource, Readable body stream and AbortSignal.
 * Each caller waits up to its own deadline; the call is aborted only once no caller waits any more,
 * so one caller's deadline never fails another's wait.
 */
export class InflightCall implements Dispatcher.DispatchHandler {
  /** performance.now() when it was started. */
  readonly startedAt = performance.now();
  private readonly waiters: Waiter[] = [];
  private controller: Dispatcher.DispatchController | null = null;
  private done = false;
  private statusCode = 0;
  private headers: IncomingHttpHeaders = {};
  private chunks: Buffer[] = [];
  private length = 0;
  /** How it ended, for a caller that asks after it did (undici fails a dispatch to a closed agent at once). */
  private outcome: { answer: RawAnswer } | { error: unknown } | null = null;

  /** `onEnd`: told once, when the call answered, failed, or was given up by its last caller. */
  constructor(private readonly onEnd?: (call: InflightCall) => void) {}

  /** Whether it can still answer a caller who joins now. */
  get open(): boolean {
    return !this.done;
  }

  /**
   * The answer, or the call's transport error; DeadlinePassed once `deadlineMs` passed and the event
   * loop's next I/O poll (setImmediate) brought no answer: when the gateway's own event loop was
   * blocked past the deadline, an answer that arrived in time is read rather than counted as a timeout.
   */
  answer(deadlineMs: number): Promise<RawAnswer> {
    const { outcome } = this;
    if (outcome)
      return 'answer' in outcome ? Promise.resolve(outcome.answer) : Promise.reject(outcome.error);
    return new Promise<RawAnswer>((resolve, reject) => {
      const waiter: Waiter = { call: this, resolve, reject, timer: undefined };
      waiter.timer = setTimeout(expireAfterPoll, deadlineMs, waiter);
      this.waiters.push(waiter);
    });
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
    // Every caller gave up before undici got to it.
    if (this.done) controller.abort(new DeadlinePassed());
  }

  onResponseStart(
    _controller: Dispatcher.DispatchController,
    statusCode: number,
    headers: IncomingHttpHeaders,
  ): void {
    this.statusCode = statusCode;
    this.headers = headers;
    this.chunks = [];
    this.length = 0;
  }

  onResponseData(_controller: Dispatcher.DispatchController, chunk: Buffer): void {
    this.chunks.push(chunk);
    this.length += chunk.length;
  }

  onResponseEnd(): void {
    const { chunks } = this;
    const text =
      chunks.length === 1
        ? chunks[0]!.toString('utf8')
        : Buffer.concat(chunks, this.length).toString('utf8');
    this.settle({ statusCode: this.statusCode, headers: this.headers, text }, null);
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    this.settle(null, error);
  }

  /** A caller's deadline passed: it stops waiting; the last one to go aborts the call. */
  expire(waiter: Waiter): void {
    const index = this.waiters.indexOf(waiter);
    if (index < 0) return;
    this.waiters.splice(index, 1);
    waiter.reject(new DeadlinePassed());
    if (this.waiters.length > 0 || this.done) return;
    this.done = true;
    this.onEnd?.(this);
    this.controller?.abort(new DeadlinePassed());
  }

  private settle(answer: RawAnswer | null, error: Error | null): void {
    if (this.done) return;
    this.done = true;
    this.chunks = [];
    this.outcome = answer ? { answer } : { error };
    this.onEnd?.(this);
    for (const waiter of this.waiters) {
      clearTimeout(waiter.timer);
      if (answer) waiter.resolve(answer);
      else waiter.reject(error);
    }
    this.waiters.length = 0;
  }
}

interface Waiter {
  call: InflightCall;
  resolve(answer: RawAnswer): void;
  reject(error: unknown): void;
  timer: NodeJS.Timeout | undefined;
}

// Module functions with the waiter as argument: no closure allocated per call for its deadline.
function expireAfterPoll(waiter: Waiter): void {
  setImmediate(expire, waiter);
}

function expire(waiter: Waiter): void {
  waiter.call.expire(waiter);
}
