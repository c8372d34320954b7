/** What a command of `switchyard` writes to and reads from; tests pass their own. */
export interface CommandIo {
  env: NodeJS.ProcessEnv;
  print: (line: string) => void;
  printError: (line: string) => void;
  /** The exit code of the command that ran. */
  exit: (code: number) => void;
}
