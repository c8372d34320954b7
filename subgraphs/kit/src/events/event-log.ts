/** Where the event runtime writes what happened: a pino logger (the subgraph server's) fits. */
export interface EventLog {
  info(details: object, message: string): void;
  warn(details: object, message: string): void;
  error(details: object, message: string): void;
}

export const SILENT_EVENT_LOG: EventLog = { info() {}, warn() {}, error() {} };

/** An error as one line of a log or of the exception queue: its message, never its stack. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
