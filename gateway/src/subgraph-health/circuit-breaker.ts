/** The settings of every subgraph's circuit breaker (GatewayConfig.circuitBreaker holds the defaults). */
export interface CircuitBreakerOptions {
  /** Consecutive failed calls (unreachable, past the deadline, a 5xx) that open the circuit. */
  failureThreshold: number;
  /** How long the circuit stays open the first time (ms); each failed probe doubles it. */
  openMs: number;
  /** The longest the circuit stays open between two probes (ms). */
  maxOpenMs: number;
}

export type CircuitState = 'closed' | 'open' | 'half-open';

/** What /readyz and /metrics tell of one circuit. */
export interface CircuitSnapshot {
  state: CircuitState;
  /** Failed calls in a row (what opens the circuit at the threshold). */
  consecutiveFailures: number;
  /** While open: how long until the next call is let through as the probe (ms). */
  probeInMs?: number;
}

/**
 * One subgraph's circuit: closed, calls go through and failures in a row are counted; at the
 * threshold it opens, and calls fail at once without touching the network, so a dead subgraph costs
 * microseconds rather than a deadline per request. Once the open interval has passed, one call is let
 * through as the probe (half-open; the others still fail fast): it answering closes the circuit,
 * it failing opens it again for twice as long, up to `maxOpenMs`.
 */
export class CircuitBreaker {
  private current: CircuitState = 'closed';
  private failures = 0;
  private openInterval: number;
  private openUntil = 0;

  /** `onChange`: told each change of state, after it happened (an operator wants a log line when a circuit opens). */
  constructor(
    private readonly options: CircuitBreakerOptions,
    private readonly now: () => number = () => performance.now(),
    private readonly onChange?: (from: CircuitState, circuit: CircuitSnapshot) => void,
  ) {
    this.openInterval = options.openMs;
  }

  get state(): CircuitState {
    return this.current;
  }

  /** Whether a call may go now. An open circuit whose interval has passed admits this call as its probe. */
  admit(): boolean {
    if (this.current === 'closed') return true;
    if (this.current === 'half-open') return false;
    if (this.now() < this.openUntil) return false;
    this.become('half-open');
    return true;
  }

  /** The subgraph answered (any answer but a 5xx: a 4xx is the caller's fault, not the subgraph's health). */
  succeeded(): void {
    // A call admitted before the circuit opened says nothing about now: only the probe closes it.
    if (this.current === 'open') return;
    this.failures = 0;
    this.openInterval = this.options.openMs;
    if (this.current !== 'closed') this.become('closed');
  }

  /** The subgraph did not answer in time, could not be reached, or answered a 5xx. */
  failed(): void {
    this.failures++;
    if (this.current === 'half-open') {
      this.openInterval = Math.min(this.openInterval * 2, this.options.maxOpenMs);
      this.open();
    } else if (this.current === 'closed' && this.failures >= this.options.failureThreshold) {
      this.open();
    }
  }

  snapshot(): CircuitSnapshot {
    const snapshot: CircuitSnapshot = {
      state: this.current,
      consecutiveFailures: this.failures,
    };
    if (this.current === 'open')
      snapshot.probeInMs = Math.max(0, Math.ceil(this.openUntil - this.now()));
    return snapshot;
  }

  private open(): void {
    this.openUntil = this.now() + this.openInterval;
    this.become('open');
  }

  private become(state: CircuitState): void {
    const from = this.current;
    this.current = state;
    this.onChange?.(from, this.snapshot());
  }
}
