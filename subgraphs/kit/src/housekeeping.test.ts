import pino from 'pino';
import { startHousekeeping, type HousekeepingTask } from './housekeeping';

/** A logger whose lines are kept, to see what housekeeping reported. */
function recordingLog() {
  const lines: { msg: string; task?: string; changed?: number }[] = [];
  const log = pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line)) });
  return { log, lines };
}

test('the timer runs every task each round; a failing task is logged and does not stop the others or later rounds', async () => {
  const { log, lines } = recordingLog();
  const seen: Date[] = [];
  const sweep: HousekeepingTask<string> = {
    name: 'sweep',
    run: (store, round) => {
      expect(store).toBe('store');
      expect(round.orphanAfterMs).toBe(1_000);
      seen.push(round.now);
      return Promise.resolve(1);
    },
  };
  const broken: HousekeepingTask<string> = {
    name: 'broken',
    run: () => Promise.reject(new Error('database away')),
  };
  const housekeeping = startHousekeeping(
    [broken, sweep],
    'store',
    { everyMs: 5, orphanAfterMs: 1_000 },
    log,
  );
  const deadline = Date.now() + 5_000;
  while (seen.length < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
  await housekeeping.stop();
  const rounds = seen.length;
  expect(rounds).toBeGreaterThanOrEqual(3);
  expect(
    lines.filter((l) => l.msg === 'housekeeping task failed' && l.task === 'broken').length,
  ).toBe(rounds);
  expect(
    lines.filter((l) => l.msg === 'housekeeping' && l.task === 'sweep' && l.changed === 1).length,
  ).toBe(rounds);
  // Stopped: no round after stop() resolved.
  await new Promise((r) => setTimeout(r, 30));
  expect(seen.length).toBe(rounds);
});
