/**
 * The registry's commands of `switchyard` (commander): check, publish, list, history, diff, rollback,
 * approve. Each is one authenticated HTTP call. Exit codes: 0 done (a check passed, a change went
 * in), 1 the change must not go in (a failed check, a refused publish) or the registry refused or
 * could not be reached, 2 bad arguments or an unreadable schema file. `--json` prints the registry's
 * answer as it is, refusals included.
 */
import { readFile } from 'node:fs/promises';
import { type Command } from 'commander';
import { type CommandIo } from './command-io';
import { callService, registryService } from './http-client';
import {
  renderApproval,
  renderCheck,
  renderDiff,
  renderHistory,
  renderPublished,
  renderRefusal,
  renderSubgraphs,
} from './render';

const ENDPOINT_HELP =
  'a running deployment of the candidate: the gateway replays the traffic it sampled for this subgraph against it and the current deployment, and the check fails on each regression (new errors, fields now null, changed types)';

export interface JsonOption {
  json?: boolean;
}

/** One registry call of a command: prints the answer (plain or JSON) and sets the exit code. */
export function registryCaller(io: CommandIo) {
  return async function run(
    options: JsonOption,
    request: Parameters<typeof callService>[1],
    render: (body: any) => string[],
    outcome: (status: number, body: any) => number = (status) => (status < 400 ? 0 : 1),
    subgraph?: string,
  ): Promise<void> {
    const answer = await callService(registryService(io.env), request);
    if (!answer.reached) {
      if (options.json)
        io.print(
          JSON.stringify({
            errors: [{ message: answer.message, extensions: { code: 'REGISTRY_UNREACHABLE' } }],
          }),
        );
      io.printError(answer.message);
      return io.exit(1);
    }
    const code = outcome(answer.status, answer.body);
    if (options.json) io.print(JSON.stringify(answer.body, null, 2));
    else if (answer.status >= 400)
      for (const line of renderRefusal(answer.body, answer.status, subgraph)) io.printError(line);
    else for (const line of render(answer.body)) io.print(line);
    io.exit(code);
  };
}

/** Adds the registry's commands to `program`. */
export function addRegistryCommands(program: Command, io: CommandIo): void {
  const run = registryCaller(io);

  async function schemaFile(file: string): Promise<string | null> {
    try {
      return await readFile(file, 'utf8');
    } catch (error) {
      io.printError(
        `cannot read the schema ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
      );
      io.exit(2);
      return null;
    }
  }

  const subgraph = program
    .command('subgraph')
    .description('check, publish and list subgraphs at the registry');

  subgraph
    .command('check')
    .description(
      'check a subgraph schema against the current graph and its consumers (exit 1 when it fails)',
    )
    .argument('<name>', 'the subgraph')
    .requiredOption('--schema <file>', 'the subgraph SDL')
    .option('--url <url>', 'its routing URL (default: the current one)')
    .option('--endpoint <url>', ENDPOINT_HELP)
    .option('--json', 'print the check report as JSON')
    .action(
      async (
        name: string,
        options: { schema: string; url?: string; endpoint?: string } & JsonOption,
      ) => {
        const sdl = await schemaFile(options.schema);
        if (sdl === null) return;
        await run(
          options,
          {
            method: 'POST',
            path: `/subgraphs/${encodeURIComponent(name)}/check`,
            body: { sdl, url: options.url, endpoint: options.endpoint },
          },
          (body) => renderCheck(body.check, name),
          (status, body) => (status < 400 && body?.check?.ok === true ? 0 : 1),
          name,
        );
      },
    );

  subgraph
    .command('publish')
    .description(
      'check and publish a subgraph schema as the next graph version (exit 1 when refused)',
    )
    .argument('<name>', 'the subgraph')
    .requiredOption('--schema <file>', 'the subgraph SDL')
    .option(
      '--url <url>',
      'its routing URL (default: the current one; required for a new subgraph)',
    )
    .requiredOption('--message <text>', 'why this change')
    .option('--approval <id>', 'an approval of a failed check of this same change')
    .option('--endpoint <url>', ENDPOINT_HELP)
    .option('--json', 'print the answer as JSON')
    .action(
      async (
        name: string,
        options: {
          schema: string;
          url?: string;
          message: string;
          approval?: string;
          endpoint?: string;
        } & JsonOption,
      ) => {
        const sdl = await schemaFile(options.schema);
        if (sdl === null) return;
        await run(
          options,
          {
            method: 'POST',
            path: `/subgraphs/${encodeURIComponent(name)}/publish`,
            body: {
              sdl,
              url: options.url,
              endpoint: options.endpoint,
              message: options.message,
              approval: options.approval,
            },
          },
          (body) => renderPublished(body, name),
          undefined,
          name,
        );
      },
    );

  subgraph
    .command('list')
    .description("each subgraph's current version")
    .option('--json', 'print the answer as JSON')
    .action((options: JsonOption) => run(options, { path: '/subgraphs' }, renderSubgraphs));

  program
    .command('history')
    .description('the versions of one subgraph or of all, newest first')
    .argument('[name]', 'the subgraph')
    .option('--json', 'print the answer as JSON')
    .action((name: string | undefined, options: JsonOption) =>
      run(
        options,
        { path: `/history${name ? `?subgraph=${encodeURIComponent(name)}` : ''}` },
        renderHistory,
      ),
    );

  program
    .command('diff')
    .description(
      'what changed between two graph versions (schemas printed sorted: reordering is no change)',
    )
    .argument('<from>', 'a graph version')
    .argument('<to>', 'a graph version')
    .option('--json', 'print the answer as JSON')
    .action((from: string, to: string, options: JsonOption) =>
      run(
        options,
        { path: `/diff?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}` },
        renderDiff,
      ),
    );

  program
    .command('rollback')
    .description(
      'publish a subgraph as it was at an earlier graph version, checked again (exit 1 when refused)',
    )
    .argument('<name>', 'the subgraph')
    .argument('<version>', 'the graph version to go back to')
    .option('--message <text>', 'why (default: says which version)')
    .option('--approval <id>', 'an approval of a failed check of this rollback')
    .option('--json', 'print the answer as JSON')
    .action(
      async (
        name: string,
        version: string,
        options: { message?: string; approval?: string } & JsonOption,
      ) => {
        if (!/^[0-9]{1,9}$/.test(version) || Number(version) < 1) {
          io.printError(`version must be a whole number from 1, got "${version}"`);
          return io.exit(2);
        }
        await run(
          options,
          {
            method: 'POST',
            path: `/subgraphs/${encodeURIComponent(name)}/rollback`,
            body: {
              version: Number(version),
              message: options.message,
              approval: options.approval,
            },
          },
          (body) => renderPublished(body, name),
          undefined,
          name,
        );
      },
    );

  const check = program.command('check').description('approve or show a check run');
  check
    .command('approve')
    .description('approve a failed check (needs schema:approve); the same change may then publish')
    .argument('<check id>', 'the check run')
    .requiredOption('--reason <text>', 'why it may go in (kept in the history)')
    .option('--json', 'print the answer as JSON')
    .action((id: string, options: { reason: string } & JsonOption) =>
      run(
        options,
        {
          method: 'POST',
          path: `/checks/${encodeURIComponent(id)}/approve`,
          body: { reason: options.reason },
        },
        renderApproval,
      ),
    );
  check
    .command('show')
    .description('a check run as it was reported')
    .argument('<check id>', 'the check run')
    .option('--json', 'print the report as JSON')
    .action((id: string, options: JsonOption) =>
      run(options, { path: `/checks/${encodeURIComponent(id)}` }, (body) =>
        renderCheck(body.check, body.check.subgraph ?? ''),
      ),
    );
}
