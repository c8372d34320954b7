import type { FastifyBaseLogger } from 'fastify';

/**
 * Periodic work a subgraph does on its own records, besides serving and consuming events: the
 * orphan sweepers, which end reservations whose order never completed (the command that made one
 * crashed or timed out, and no event about its order ever came), and the kit's event retention
 * (events/event-retention.ts), which every subgraph runs.
 */
export interface HousekeepingTask<Store> {
  name: string;
  /** Does one round; answers how many records it changed (logged when not 0). */
  run(store: Store, round: HousekeepingRound): Promise<number>;
}

export interface HousekeepingRound {
  now: Date;
  /** How long a provisional record may wait for the command that made it before it is an orphan. */
  orphanAfterMs: number;
}

/** SubgraphRuntimeOptions.housekeeping; every field has a default. */
export interface HousekeepingOptions {
  /** How often every task runs. Default 30 s. */
  everyMs?: number;
  /** Reservations older than this whose order never completed are released. Default 10 minutes: far longer than a placement (2 s per call) and the events that end it. */
  orphanAfterMs?: number;
  /** Published outbox rows, inbox marks, resolved exceptions and acknowledged transport entries older than this are removed (events/event-retention.ts). Default 7 days. */
  eventRetentionMs?: number;
}

export const DEFAULT_HOUSEKEEPING = {
  everyMs: 30_000,
  orphanAfterMs: 600_000,
  eventRetentionMs: 7 * 86_400_000,
} as const;

export interface Housekeeping {
  /** Runs every task once now (what the timer does). */
  runOnce(now?: Date): Promise<void>;
  /** Stops the timer and waits for a round in progress. */
  stop(): Promise<void>;
}

/** Runs the tasks every `everyMs`, one round at a time; a failed task is logged and tried again next round. */
export function startHousekeeping<Store>(
  tasks: readonly HousekeepingTask<Store>[],
  store: Store,
  options: HousekeepingOptions,
  log: FastifyBaseLogger,
): Housekeeping {
  const everyMs = options.everyMs ?? DEFAULT_HOUSEKEEPING.everyMs;
  const orphanAfterMs = options.orphanAfterMs ?? DEFAULT_HOUSEKEEPING.orphanAfterMs;
  let round: Promise<void> = Promise.resolve();
  const runOnce = (now = new Date()) =>
    (round = round.then(async () => {
      for (const task of tasks) {
        try {
          const changed = await task.run(store, { now, orphanAfterMs });
          if (changed > 0) log.info({ task: task.name, changed }, 'housekeeping');
        } catch (error) {
          log.error({ err: error, task: task.name }, 'housekeeping task failed');
        }
      }
    }));
  const timer = tasks.length > 0 ? setInterval(() => void runOnce(), everyMs) : null;
  timer?.unref();
  return {
    runOnce,
    async stop() {
      if (timer) clearInterval(timer);
      await round;
    },
  };
}
