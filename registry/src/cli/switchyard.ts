/**
 * `npm run switchyard -- <command>`: the CLI of schema owners and the platform team.
 * Registry commands (subgraph check|publish|list, history, diff, rollback, check approve) call the
 * registry (SWITCHYARD_REGISTRY_URL, SWITCHYARD_TOKEN); `operations`, `usage` and `budget` call a gateway's
 * admin API (SWITCHYARD_URL, SWITCHYARD_ADMIN_KEY), as before.
 */
import { Command, CommanderError } from 'commander';
import { addRegistryCommands, type CommandIo } from './registry-commands';

/** Runs the CLI; answers the exit code. */
export async function runSwitchyard(argv: string[], io: Partial<CommandIo> = {}): Promise<number> {
  let exitCode = 0;
  const full: CommandIo = {
    env: io.env ?? process.env,
    print: io.print ?? ((line) => console.log(line)),
    printError: io.printError ?? ((line) => console.error(line)),
    exit: (code) => {
      exitCode = code;
    },
  };
  const program = new Command('switchyard')
    .description("Switchyard's CLI: the schema registry and the gateway's governance admin API")
    .enablePositionalOptions()
    .exitOverride()
    .configureOutput({
      writeOut: (text) => full.print(text.trimEnd()),
      writeErr: (text) => full.printError(text.trimEnd()),
    });
  addRegistryCommands(program, full);
  // The gateway's admin commands keep their own argument parsing.
  for (const [name, summary, load] of [
    [
      'operations',
      'register and list persisted operations of a consumer (gateway admin API)',
      async () => (await import('@switchyard/gateway/src/cli/operations')).operationsCommand,
    ],
    [
      'usage',
      'field, deprecated-field, operation and stage usage reports (gateway admin API)',
      async () => (await import('@switchyard/gateway/src/cli/usage')).usageCommand,
    ],
    [
      'budget',
      "show, reset or top up a consumer's rate and cost budgets (gateway admin API)",
      async () => (await import('@switchyard/gateway/src/cli/budget')).budgetCommand,
    ],
  ] as const) {
    program
      .command(name)
      .description(summary)
      .helpOption(false)
      .allowUnknownOption()
      .passThroughOptions()
      .argument('[arguments...]')
      .action(async (args: string[]) => {
        exitCode = await (
          await load()
        )(args, {
          env: full.env,
          print: full.print,
          printError: full.printError,
        });
      });
  }
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error;
    // Help and version are answers; any other parse error is a usage error.
    return error.code === 'commander.helpDisplayed' ||
      error.code === 'commander.help' ||
      error.code === 'commander.version'
      ? 0
      : 2;
  }
  return exitCode;
}

if (require.main === module)
  runSwitchyard(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : String(error));
      process.exit(1);
    },
  );
