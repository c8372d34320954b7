/**
 * `npm run switchyard -- <command>`: the CLI of schema owners and the platform team (the commands:
 * switchyard-program.ts). Exit codes: 0 done, 1 refused or unreachable, 2 bad arguments.
 */
import { runSwitchyard } from './switchyard-program';

runSwitchyard(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  },
);
