import { badUserInput } from './errors';
import type { SubgraphBuilder } from './schema-builder';

/** The key of BusinessHealth: a window [from, to) of ISO-8601 instants. */
export interface HealthWindow {
  from: string;
  to: string;
}

const DAY_MS = 86_400_000;

/**
 * The window of a BusinessHealth key, normalised to ISO-8601 UTC: two instants, from before to
 * (BAD_USER_INPUT naming `from` otherwise) and, when `maxDays` is given, at most that many days apart
 * (naming `to`: the owner, orders, limits what callers may ask for). Orders reads `businessHealth`'s
 * arguments with it, and every subgraph extending the entity reads the key the gateway hands it.
 */
export function healthWindowOf(key: HealthWindow, maxDays?: number): HealthWindow {
  const from = Date.parse(key.from);
  const to = Date.parse(key.to);
  if (Number.isNaN(from) || Number.isNaN(to))
    throw badUserInput('from and to must be ISO-8601 instants', 'from');
  if (from >= to) throw badUserInput(`from (${key.from}) must be before to (${key.to})`, 'from');
  if (maxDays !== undefined && to - from > maxDays * DAY_MS)
    throw badUserInput(`the window may span at most ${maxDays} days`, 'to');
  return { from: new Date(from).toISOString(), to: new Date(to).toISOString() };
}

/**
 * Declares BusinessHealth, the entity the orders subgraph owns (key `from to`), in a subgraph that
 * extends it, and returns it: the subgraph adds its measures with `builder.objectFields(ref, …)`, whose
 * resolvers receive only the key (read it with healthWindowOf).
 */
export function extendBusinessHealth<Context extends object>(builder: SubgraphBuilder<Context>) {
  return builder
    .externalRef('BusinessHealth', builder.selection<HealthWindow>('from to'))
    .implement({
      fields: (t) => ({
        from: t.field({ type: 'DateTime', resolve: (h) => h.from }),
        to: t.field({ type: 'DateTime', resolve: (h) => h.to }),
      }),
    });
}
