/**
 * The `switchyard` program (commander), run in process: switchyard.ts runs it as a command, tests call it.
 * Registry commands (subgraph check|publish|list, history, diff, rollback, check approve; deprecate,
 * deprecations, waiver, brownout, notifications, consumers impact) call the
 * registry (SWITCHYARD_REGISTRY_URL, SWITCHYARD_TOKEN); `operations`, `usage` and `budget` call a gateway's
 * admin API (SWITCHYARD_URL, SWITCHYARD_ADMIN_KEY); both through http-client.ts.
 */
import { Command, CommanderError } from 'commander';
import { type CommandIo } from './command-io';
import { addGatewayAdminCommands } from './gateway-admin-commands';
import { addLifecycleCommands } from './lifecycle-commands';
import { addRegistryCommands } from './registry-commands';

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
  addLifecycleCommands(program, full);
  addGatewayAdminCommands(program, full);
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error;
    // Help and version asked for are answers; help shown for a missing command (exit code 1 in
    // commander) and any other parse error are usage errors.
    const answered =
      error.code === 'commander.helpDisplayed' ||
      error.code === 'commander.version' ||
      (error.code === 'commander.help' && error.exitCode === 0);
    return answered ? 0 : 2;
  }
  return exitCode;
}
