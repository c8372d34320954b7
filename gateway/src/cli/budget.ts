/**
 * `switchyard budget <command>`: a consumer's rate and cost budgets on a running gateway, through
 * its admin API (SWITCHYARD_URL, default http://127.0.0.1:4000; SWITCHYARD_ADMIN_KEY sent as
 * `x-api-key`). A reset or top-up changes the current window for every replica and is audited.
 */
import { parseArgs } from 'node:util';
import { callAdmin } from './admin-client';

const USAGE = `usage: switchyard budget <command> --consumer ID [--json]
  show                                          what each budget's current window has used
  reset [--window W] [--measure requests|cost]  start the current window afresh (every budget without --window)
  top-up --window W --amount N [--measure M]    N more left in the current window`;

export interface CommandIo {
  env?: NodeJS.ProcessEnv;
  print?: (line: string) => void;
  printError?: (line: string) => void;
}

interface BudgetRule {
  window: string;
  measure: string;
  limit: number;
  used: number;
  remaining: number;
  windowEnd: string;
}

/** Runs one command; answers the exit code (0 done, 1 refused or unreachable, 2 bad arguments). */
export async function budgetCommand(argv: string[], io: CommandIo = {}): Promise<number> {
  const env = io.env ?? process.env;
  const print = io.print ?? ((line: string) => console.log(line));
  const printError = io.printError ?? ((line: string) => console.error(line));

  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        consumer: { type: 'string' },
        window: { type: 'string' },
        measure: { type: 'string' },
        amount: { type: 'string' },
        json: { type: 'boolean' },
      },
    });
  } catch (error) {
    printError(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  const [command, ...extra] = positionals;
  const amount = values.amount === undefined ? undefined : Number(values.amount);
  const valid =
    extra.length === 0 &&
    values.consumer !== undefined &&
    ((command === 'show' && !values.window && !values.measure && amount === undefined) ||
      (command === 'reset' && amount === undefined) ||
      (command === 'top-up' &&
        values.window !== undefined &&
        amount !== undefined &&
        Number.isSafeInteger(amount) &&
        amount >= 1));
  if (!valid) {
    printError(USAGE);
    return 2;
  }

  const path = `/admin/consumers/${encodeURIComponent(values.consumer!)}/budget`;
  const answer = await callAdmin(
    env,
    command === 'show'
      ? { path }
      : {
          method: 'POST',
          path: `${path}/${command}`,
          body: JSON.stringify({ window: values.window, measure: values.measure, amount }),
        },
    printError,
  );
  if (!answer.ok) return 1;
  const body = answer.body as {
    consumer: string;
    tier: string;
    action?: string;
    changes?: { window: string; measure: string; usedBefore: number; usedAfter: number }[];
    rules: BudgetRule[];
  };
  if (values.json) {
    print(JSON.stringify(body, null, 2));
    return 0;
  }
  for (const change of body.changes ?? [])
    print(
      `${body.action} ${body.consumer} ${change.measure} per ${change.window}: used ${change.usedBefore} → ${change.usedAfter}`,
    );
  print(`${body.consumer} (tier ${body.tier})`);
  for (const rule of body.rules)
    print(
      `  ${rule.measure} per ${rule.window}: ${rule.used} of ${rule.limit} used, ${rule.remaining} left until ${rule.windowEnd}`,
    );
  return 0;
}
