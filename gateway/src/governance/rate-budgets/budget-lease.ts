/**
 * Budget leasing: how gateway replicas share one rate or cost budget without a store round trip
 * per request.
 *
 * The store holds, per window occurrence, one counter: how much of the budget the replicas have
 * reserved. A replica reserves a chunk (leaseSize × limit, at least 1) with one atomic increment
 * and serves requests from it locally; when the chunk is spent it reserves the next. The part of a
 * reservation that lands above the limit is not granted, and a counter at or past the limit tells
 * every replica the window is exhausted, so they refuse without asking again until it ends.
 *
 * Error bound:
 * - Never over: total admitted ≤ limit, because each replica spends only what it was granted, and
 *   grants are disjoint slices of [0, limit] of the counter.
 * - Early refusals ≤ (replicas − 1) × chunk: once the counter reaches the limit, a replica refuses
 *   while others may still hold unspent chunks (each at most one chunk, or one request's cost when
 *   that is larger). Those are served by their holders, so the budget is not lost unless a holder
 *   gets no more traffic before the window ends.
 * - Store cost: one increment per chunk per replica per window, i.e. about 1 / leaseSize round
 *   trips per window per replica at full use, not one per request.
 * - An operator's reset or top-up (budget-admin.ts) lowers the counter; the replica that made it
 *   rebases its lease at once, and a replica that saw the window exhausted reads the counter again
 *   at most once per `recheckMs` on a request it would refuse, so no replica's stale view undoes the
 *   reset. Grants other replicas held unspent at the reset stay theirs to spend: after a reset the
 *   window admits at most limit + (replicas − 1) × chunk.
 * - While the store is away the caller admits by its own rule (rate-budget.ts `onStoreUnavailable`)
 *   and tells the lease (`owe`); what it admitted is added to the shared counter as soon as the
 *   store answers again (one increment, before the next request is decided), so the window's count
 *   includes the outage: later requests in that window are refused accordingly, none is forgotten.
 */
import type { GovernanceStore } from '../store/governance-store';

/** The store did not answer (or says it is not connected): the caller degrades as configured. */
export class StoreUnavailableError extends Error {
  constructor(cause?: unknown) {
    super('the governance store is unavailable', { cause });
  }
}

/** How much a replica reserves at a time: `leaseSize` of the limit, at least 1. */
export function chunkSize(limit: number, leaseSize: number): number {
  return Math.max(1, Math.floor(limit * leaseSize));
}

/**
 * The part of a reservation of `requested` that is granted, given the counter after it was
 * added: what lies at or below the limit.
 */
export function grantedPart(counterAfter: number, requested: number, limit: number): number {
  return Math.min(requested, Math.max(0, limit - (counterAfter - requested)));
}

/** How an exhausted lease learns of a reset made elsewhere: reads the counter again at most every `intervalMs`. */
export interface ExhaustedRecheck {
  now: () => number;
  intervalMs: number;
}

/** One replica's share of one budget in one window occurrence. */
export class LeasedBudget {
  /** Granted to this replica so far in the window. */
  private granted = 0;
  /** Spent from what was granted. */
  private spent = 0;
  /** The counter as last seen: reserved by all replicas. */
  private reservedByAll = 0;
  private exhausted = false;
  private leasing: Promise<void> | null = null;
  /** Spent without a reservation (admitted while the store was away), not yet added to the counter. */
  private owed = 0;
  private settling: Promise<void> | null = null;
  /** When an exhausted lease may read the counter again (a reset elsewhere may have lowered it). */
  private recheckAt = 0;

  constructor(
    private readonly store: GovernanceStore,
    /** The store key of this window occurrence's counter. */
    readonly key: string,
    readonly limit: number,
    private readonly chunk: number,
    /** How long the counter lives in the store (past the window's end). */
    private readonly ttlSeconds: number,
    /** Without it an exhausted lease refuses until the window ends. */
    private readonly recheck?: ExhaustedRecheck,
  ) {}

  /**
   * Spends `amount` from this replica's grant when that settles it without the store: true when
   * spent, false when it can never be admitted in this window, null when `take` must ask the store
   * (the grant is spent, or an outage's admissions are still owed to the counter).
   */
  tryTake(amount: number): boolean | null {
    if (amount > this.limit) return false;
    if (this.owed > 0) return null;
    if (this.spent + amount <= this.granted) {
      this.spent += amount;
      return true;
    }
    return this.exhausted && !this.recheckDue() ? false : null;
  }

  /**
   * Spends `amount` if the budget has it: from this replica's grant, reserving more from the
   * store when needed (one reservation in flight at a time; concurrent callers wait for it).
   * Throws StoreUnavailableError when a reservation is needed and the store does not answer.
   */
  async take(amount: number): Promise<boolean> {
    // More than the whole budget can never be admitted; refusing it reserves nothing others could use.
    if (amount > this.limit) return false;
    if (this.owed > 0 && this.store.healthy()) await this.settle();
    for (;;) {
      if (this.spent + amount <= this.granted) {
        this.spent += amount;
        return true;
      }
      if (this.exhausted && !this.recheckDue()) return false;
      if (this.leasing) {
        await this.leasing;
        continue;
      }
      if (this.exhausted) {
        this.leasing = this.readCounter().finally(() => {
          this.leasing = null;
        });
        await this.leasing;
        if (this.exhausted) return false;
        continue;
      }
      this.leasing = this.reserve(
        Math.max(this.chunk, amount - (this.granted - this.spent)),
      ).finally(() => {
        this.leasing = null;
      });
      await this.leasing;
    }
  }

  /** Records `amount` admitted without the store (it was away): added to the shared counter once the store answers. */
  owe(amount: number): void {
    this.owed += amount;
  }

  /** Admitted while the store was away and not yet counted in it. */
  owing(): number {
    return this.owed;
  }

  /** An estimate of what is left in the window for everyone: unreserved plus this replica's unspent grant. */
  remaining(): number {
    return Math.max(0, this.limit - this.reservedByAll) + (this.granted - this.spent);
  }

  /**
   * After an operator lowered the counter to `counterAfter` (reset or top-up): this replica's
   * unspent grant is given up (the reset counted it as free again) and the window is open again
   * if the counter is below the limit. A reset also forgives what an outage admitted and this
   * replica still owes, which would otherwise be added back on top of it.
   */
  rebase(counterAfter: number, { reset = false } = {}): void {
    if (reset) this.owed = 0;
    this.granted = this.spent;
    this.reservedByAll = counterAfter;
    this.exhausted = counterAfter >= this.limit;
    this.recheckAt = 0;
  }

  /** Seen at the limit in the store: refused locally until the next recheck is due. */
  private markExhausted(): void {
    this.exhausted = true;
    if (this.recheck) this.recheckAt = this.recheck.now() + this.recheck.intervalMs;
  }

  private recheckDue(): boolean {
    return this.recheck !== undefined && this.recheck.now() >= this.recheckAt;
  }

  /** An exhausted lease's look at the counter: open again when a reset elsewhere brought it below the limit. */
  private async readCounter(): Promise<void> {
    this.recheckAt = this.recheck!.now() + this.recheck!.intervalMs;
    let counter: number;
    try {
      counter = await this.store.counter(this.key);
    } catch {
      // Still exhausted as far as this replica knows; the next recheck asks again.
      return;
    }
    this.reservedByAll = counter;
    this.exhausted = counter >= this.limit;
  }

  /** Adds what is owed to the counter; on failure it stays owed for the next request (one settlement in flight at a time). */
  private settle(): Promise<void> {
    this.settling ??= (async () => {
      const owed = this.owed;
      try {
        const counterAfter = await this.store.increment(this.key, owed, this.ttlSeconds);
        this.owed -= owed;
        this.reservedByAll = counterAfter;
        if (counterAfter >= this.limit) this.markExhausted();
      } catch {
        // Still owed; the store failing again is the next reservation's to report.
      } finally {
        this.settling = null;
      }
    })();
    return this.settling;
  }

  private async reserve(requested: number): Promise<void> {
    if (!this.store.healthy()) throw new StoreUnavailableError();
    let counterAfter: number;
    try {
      counterAfter = await this.store.increment(this.key, requested, this.ttlSeconds);
    } catch (error) {
      throw new StoreUnavailableError(error);
    }
    this.granted += grantedPart(counterAfter, requested, this.limit);
    // The latest count, not the highest seen: an operator's reset lowers it.
    this.reservedByAll = counterAfter;
    if (counterAfter >= this.limit) this.markExhausted();
  }
}
