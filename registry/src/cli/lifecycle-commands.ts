/**
 * The lifecycle's commands of `switchyard` (issue 15), each one registry call (brownout add: two):
 * deprecate, deprecations, waiver grant|revoke, brownout add, notifications, consumers impact.
 * Exit codes as the registry's other commands: 0 done, 1 refused or unreachable, 2 bad arguments.
 */
import { type Command } from 'commander';
import { type CommandIo } from './command-io';
import { callService, registryService } from './http-client';
import {
  renderDeprecated,
  renderDeprecationHistory,
  renderDeprecations,
  renderImpact,
  renderNotifications,
  renderWaiver,
} from './lifecycle-render';
import { registryCaller, type JsonOption } from './registry-commands';
import { renderRefusal } from './render';

/** `<start>/<end>` (each YYYY-MM-DD or an ISO date-time) as the registry takes a brownout. */
function brownoutOf(text: string): { start: string; end: string } | null {
  const parts = text.split('/');
  return parts.length === 2 && parts[0] && parts[1] ? { start: parts[0], end: parts[1] } : null;
}

export function addLifecycleCommands(program: Command, io: CommandIo): void {
  const run = registryCaller(io);
  const collect = (value: string, previous: string[] = []) => [...previous, value];

  /** Parses each --brownout; prints the bad one and exits 2 when one is malformed. */
  function brownouts(values: string[] | undefined) {
    const parsed = (values ?? []).map((value) => ({ value, brownout: brownoutOf(value) }));
    const bad = parsed.find((p) => p.brownout === null);
    if (bad) {
      io.printError(`--brownout must be <start>/<end>, got "${bad.value}"`);
      io.exit(2);
      return null;
    }
    return parsed.map((p) => p.brownout!);
  }

  program
    .command('deprecate')
    .description(
      'give a coordinate @deprecated in the current schema a sunset date (and a replacement, a link, brownouts); tells the consumers that use it',
    )
    .argument('<coordinate>', 'Type.field, Type.field(arg:) or Enum.VALUE')
    .requiredOption('--sunset <YYYY-MM-DD>', 'from 00:00 UTC that day, gateways refuse it')
    .option('--replacement <coordinate>', 'what to use instead')
    .option('--link <url>', 'where the change is explained (the Link header)')
    .option(
      '--brownout <start/end>',
      'a window before the sunset in which gateways refuse it (repeatable)',
      collect,
    )
    .option('--json', 'print the answer as JSON')
    .action(
      async (
        coordinate: string,
        options: {
          sunset: string;
          replacement?: string;
          link?: string;
          brownout?: string[];
        } & JsonOption,
      ) => {
        const windows = brownouts(options.brownout);
        if (!windows) return;
        await run(
          options,
          {
            method: 'POST',
            path: '/deprecations',
            body: {
              coordinate,
              sunset: options.sunset,
              replacement: options.replacement ?? null,
              link: options.link ?? null,
              brownouts: windows,
            },
          },
          renderDeprecated,
        );
      },
    );

  program
    .command('deprecations')
    .description(
      'deprecations with their sunset, state, waivers, and each consumer that used them in its window and when last',
    )
    .option('--history [coordinate]', "the review board's trail instead: who did what, when, why")
    .option('--json', 'print the answer as JSON')
    .action((options: { history?: string | boolean } & JsonOption) =>
      options.history
        ? run(
            options,
            {
              path: `/deprecations/history${typeof options.history === 'string' ? `?coordinate=${encodeURIComponent(options.history)}` : ''}`,
            },
            renderDeprecationHistory,
          )
        : run(options, { path: '/deprecations/report' }, renderDeprecations),
    );

  const waiver = program
    .command('waiver')
    .description(
      'let one consumer use a coordinate past its sunset, until a date (schema:approve)',
    );
  waiver
    .command('grant')
    .argument('<coordinate>', 'a deprecated coordinate')
    .requiredOption('--consumer <id>', 'the consumer')
    .requiredOption('--until <date>', 'YYYY-MM-DD (00:00 UTC) or an ISO date-time')
    .requiredOption('--reason <text>', 'why (kept in the history)')
    .option('--json', 'print the answer as JSON')
    .action(
      (
        coordinate: string,
        options: { consumer: string; until: string; reason: string } & JsonOption,
      ) =>
        run(
          options,
          {
            method: 'POST',
            path: '/deprecations/waivers',
            body: {
              coordinate,
              consumer: options.consumer,
              until: options.until,
              reason: options.reason,
            },
          },
          renderWaiver,
        ),
    );
  waiver
    .command('revoke')
    .argument('<waiver id>', 'the waiver (wvr_...)')
    .option('--json', 'print the answer as JSON')
    .action((id: string, options: JsonOption) =>
      run(
        options,
        { method: 'POST', path: `/waivers/${encodeURIComponent(id)}/revoke` },
        renderWaiver,
      ),
    );

  program
    .command('brownout')
    .description('brownout windows of a deprecation')
    .command('add')
    .argument('<coordinate>', 'a deprecated coordinate')
    .argument('<start/end>', 'the window: each end YYYY-MM-DD or an ISO date-time')
    .option('--json', 'print the answer as JSON')
    .action(async (coordinate: string, window: string, options: JsonOption) => {
      const windows = brownouts([window]);
      if (!windows) return;
      const feed = await callService(registryService(io.env), { path: '/deprecations' });
      if (!feed.reached || feed.status >= 400) {
        if (feed.reached)
          for (const line of renderRefusal(feed.body, feed.status)) io.printError(line);
        else io.printError(feed.message);
        return io.exit(1);
      }
      const current = (feed.body.deprecations as any[]).find((d) => d.coordinate === coordinate);
      if (!current) {
        io.printError(
          `${coordinate} has no sunset yet: switchyard deprecate ${coordinate} --sunset ...`,
        );
        return io.exit(1);
      }
      await run(
        options,
        {
          method: 'POST',
          path: '/deprecations',
          body: {
            coordinate,
            sunset: current.sunset,
            replacement: current.replacement,
            link: current.link,
            brownouts: [...current.brownouts, ...windows],
          },
        },
        renderDeprecated,
      );
    });

  program
    .command('notifications')
    .description('the webhook delivery log, newest first (schema:approve)')
    .option('--consumer <id>', 'of one consumer')
    .option('--coordinate <coordinate>', 'about one coordinate')
    .option('--limit <n>', 'how many (default 100)')
    .option('--json', 'print the answer as JSON')
    .action((options: { consumer?: string; coordinate?: string; limit?: string } & JsonOption) => {
      const query = new URLSearchParams();
      if (options.consumer) query.set('consumer', options.consumer);
      if (options.coordinate) query.set('coordinate', options.coordinate);
      if (options.limit) query.set('limit', options.limit);
      const text = query.toString();
      return run(options, { path: `/notifications${text ? `?${text}` : ''}` }, renderNotifications);
    });

  program
    .command('consumers')
    .description('consumers of the graph, as the registry sees them')
    .command('impact')
    .description('who would be told about a coordinate, and why')
    .argument('<coordinate>', 'Type.field, Type.field(arg:) or Enum.VALUE')
    .option('--json', 'print the answer as JSON')
    .action((coordinate: string, options: JsonOption) =>
      run(
        options,
        { path: `/consumers/impact?coordinate=${encodeURIComponent(coordinate)}` },
        renderImpact,
      ),
    );
}
