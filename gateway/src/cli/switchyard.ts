/**
 * `npm run switchyard -- <command> ...`: the schema owners' and platform team's CLI, an HTTP client
 * of a running gateway's admin API (SWITCHYARD_URL, default http://127.0.0.1:4000; SWITCHYARD_ADMIN_KEY).
 */
const commands: Record<
  string,
  { summary: string; run: () => Promise<(argv: string[]) => Promise<number>> }
> = {
  operations: {
    summary: 'register and list persisted operations of a consumer',
    run: async () => (await import('./operations')).operationsCommand,
  },
  usage: {
    summary: 'field, deprecated-field, operation and stage usage reports',
    run: async () => (await import('./usage')).usageCommand,
  },
};

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  const command = name && Object.hasOwn(commands, name) ? commands[name] : undefined;
  if (!command) {
    console.error(
      `usage: switchyard <command> [options]\n\ncommands:\n${Object.entries(commands)
        .map(([n, c]) => `  ${n.padEnd(12)} ${c.summary}`)
        .join('\n')}`,
    );
    return name ? 2 : 0;
  }
  return (await command.run())(rest);
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  },
);
