/**
 * The gateway's admin commands of `switchyard` (commander): `operations` (persisted operations of a
 * consumer), `usage` (reports) and `budget` (rate and cost budgets), each one call to a running
 * gateway's admin API (SWITCHYARD_URL, SWITCHYARD_ADMIN_KEY). Exit codes: 0 done, 1 the gateway refused
 * or could not be reached (the refusal on stderr), 2 bad arguments or an unreadable manifest.
 * `--json` prints the gateway's answer as it is.
 */
import { readFile } from 'node:fs/promises';
import { type Command, InvalidArgumentError } from 'commander';
import { type CommandIo } from './command-io';
import {
  renderAdminRefusal,
  renderBudget,
  renderDeprecatedUsage,
  renderFieldUsage,
  renderOperationList,
  renderOperationsUsage,
  renderRegistered,
  renderStageUsage,
  renderUsageTimeline,
  renderUnknownOperations,
} from './gateway-admin-render';
import { callService, gatewayService } from './http-client';

interface JsonOption {
  json?: boolean;
}

/** Adds `operations`, `usage` and `budget` to `program`. */
export function addGatewayAdminCommands(program: Command, io: CommandIo): void {
  /** One call: prints the answer (plain or JSON) and sets the exit code. */
  async function run(
    options: JsonOption,
    request: Parameters<typeof callService>[1],
    render: (body: any) => string[],
  ): Promise<void> {
    const answer = await callService(gatewayService(io.env), request);
    if (!answer.reached) {
      io.printError(answer.message);
      return io.exit(1);
    }
    if (answer.status >= 400) {
      for (const line of renderAdminRefusal(answer.body, answer.status)) io.printError(line);
      return io.exit(1);
    }
    for (const line of options.json ? [JSON.stringify(answer.body, null, 2)] : render(answer.body))
      io.print(line);
    io.exit(0);
  }

  addOperationsCommands(program, io, run);
  addUsageCommands(program, run);
  addBudgetCommands(program, run);
}

type Run = (
  options: JsonOption,
  request: Parameters<typeof callService>[1],
  render: (body: any) => string[],
) => Promise<void>;

const consumerPath = (consumer: string) => `/admin/consumers/${encodeURIComponent(consumer)}`;

function addOperationsCommands(program: Command, io: CommandIo, run: Run): void {
  const operations = program
    .command('operations')
    .description('register and list persisted operations of a consumer (gateway admin API)')
    .showHelpAfterError();

  operations
    .command('register')
    .description('register an apollo-persisted-query-manifest for a consumer')
    .requiredOption('--consumer <id>', 'the consumer')
    .requiredOption('--manifest <file>', 'the manifest (JSON)')
    .option('--json', 'print the answer as JSON')
    .action(async (options: { consumer: string; manifest: string } & JsonOption) => {
      let manifest: unknown;
      try {
        manifest = JSON.parse(await readFile(options.manifest, 'utf8'));
      } catch (error) {
        io.printError(`cannot read the manifest ${options.manifest}: ${(error as Error).message}`);
        return io.exit(2);
      }
      await run(
        options,
        { method: 'POST', path: `${consumerPath(options.consumer)}/operations`, body: manifest },
        renderRegistered,
      );
    });

  operations
    .command('list')
    .description("the consumer's registered operations")
    .requiredOption('--consumer <id>', 'the consumer')
    .option('--json', 'print the answer as JSON')
    .action((options: { consumer: string } & JsonOption) =>
      run(options, { path: `${consumerPath(options.consumer)}/operations` }, renderOperationList),
    );

  operations
    .command('unknown')
    .description('operations consumers in audit mode ran without registering')
    .option('--consumer <id>', 'only this consumer')
    .option('--json', 'print the answer as JSON')
    .action((options: { consumer?: string } & JsonOption) =>
      run(
        options,
        {
          path: `/admin/unknown-operations${options.consumer ? `?consumer=${encodeURIComponent(options.consumer)}` : ''}`,
        },
        renderUnknownOperations,
      ),
    );
}

function addUsageCommands(program: Command, run: Run): void {
  const usage = program
    .command('usage')
    .description('field, deprecated-field, operation and stage usage reports (gateway admin API)')
    .showHelpAfterError();
  /** A report's path with its query; the gateway checks the numbers (400 BAD_USER_INPUT). */
  const report = (path: string, parameters: Record<string, string | undefined>) => {
    const query = new URLSearchParams();
    for (const [name, value] of Object.entries(parameters))
      if (value !== undefined) query.set(name, value);
    return { path: `${path}${query.size > 0 ? `?${query}` : ''}` };
  };

  usage
    .command('field')
    .description('consumers and operations that used a field')
    .argument('<Type.field>', 'the field coordinate')
    .option('--days <n>', 'how many days back (default 7)')
    .option('--json', 'print the report as JSON')
    .action((coordinate: string, options: { days?: string } & JsonOption) =>
      run(
        options,
        report(`/admin/usage/fields/${encodeURIComponent(coordinate)}`, { days: options.days }),
        renderFieldUsage,
      ),
    );

  usage
    .command('deprecated')
    .description('deprecated fields still in use, and by whom')
    .option('--days <n>', 'how many days back (default 30)')
    .option('--json', 'print the report as JSON')
    .action((options: { days?: string } & JsonOption) =>
      run(
        options,
        report('/admin/usage/deprecated', { days: options.days }),
        renderDeprecatedUsage,
      ),
    );

  usage
    .command('operations')
    .description('top operations: requests, error rate, p50/p95/p99 latency')
    .option('--consumer <id>', 'only this consumer')
    .option('--days <n>', 'how many days back (default 7)')
    .option('--limit <n>', 'how many operations (default 20)')
    .option('--json', 'print the report as JSON')
    .action((options: { consumer?: string; days?: string; limit?: string } & JsonOption) =>
      run(
        options,
        report('/admin/usage/operations', {
          days: options.days,
          consumer: options.consumer,
          limit: options.limit,
        }),
        renderOperationsUsage,
      ),
    );

  usage
    .command('timeline')
    .description("each consumer's requests, errors and p95 latency per usage bucket")
    .option('--consumer <id>', 'only this consumer')
    .option('--hours <n>', 'how many hours back (default 24, at most 744)')
    .option('--json', 'print the report as JSON')
    .action((options: { consumer?: string; hours?: string } & JsonOption) =>
      run(
        options,
        report('/admin/usage/timeline', { hours: options.hours, consumer: options.consumer }),
        renderUsageTimeline,
      ),
    );

  usage
    .command('stages')
    .description('latency, errors and volume per order-to-cash stage against its SLA')
    .option('--days <n>', 'how many days back (default 7)')
    .option('--json', 'print the report as JSON')
    .action((options: { days?: string } & JsonOption) =>
      run(options, report('/admin/usage/stages', { days: options.days }), renderStageUsage),
    );
}

function addBudgetCommands(program: Command, run: Run): void {
  const budget = program
    .command('budget')
    .description("show, reset or top up a consumer's rate and cost budgets (gateway admin API)")
    .showHelpAfterError();
  const wholeAmount = (value: string): number => {
    const amount = Number(value);
    if (!/^\s*\d+\s*$/.test(value) || !Number.isSafeInteger(amount) || amount < 1)
      throw new InvalidArgumentError('a whole number from 1');
    return amount;
  };
  /** A reset or top-up: changes the current window for every replica, and is audited. */
  const change = (
    action: 'reset' | 'top-up',
    options: { consumer: string; window?: string; measure?: string; amount?: number } & JsonOption,
  ) =>
    run(
      options,
      {
        method: 'POST',
        path: `${consumerPath(options.consumer)}/budget/${action}`,
        body: { window: options.window, measure: options.measure, amount: options.amount },
      },
      renderBudget,
    );

  budget
    .command('show')
    .description("what each budget's current window has used")
    .requiredOption('--consumer <id>', 'the consumer')
    .option('--json', 'print the answer as JSON')
    .action((options: { consumer: string } & JsonOption) =>
      run(options, { path: `${consumerPath(options.consumer)}/budget` }, renderBudget),
    );

  budget
    .command('reset')
    .description('start the current window afresh (every budget without --window)')
    .requiredOption('--consumer <id>', 'the consumer')
    .option('--window <window>', 'one budget window')
    .option('--measure <measure>', 'requests or cost')
    .option('--json', 'print the answer as JSON')
    .action((options: { consumer: string; window?: string; measure?: string } & JsonOption) =>
      change('reset', options),
    );

  budget
    .command('top-up')
    .description('N more left in the current window')
    .requiredOption('--consumer <id>', 'the consumer')
    .requiredOption('--window <window>', 'the budget window')
    .requiredOption('--amount <n>', 'how many more', wholeAmount)
    .option('--measure <measure>', 'requests or cost')
    .option('--json', 'print the answer as JSON')
    .action(
      (
        options: {
          consumer: string;
          window: string;
          measure?: string;
          amount: number;
        } & JsonOption,
      ) => change('top-up', options),
    );
}
