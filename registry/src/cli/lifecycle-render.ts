/** The lifecycle routes' answers in plain words (lifecycle-commands.ts; --json prints them as they are). */
import { table } from './table';

const brownoutText = (b: { start: string; end: string }) => `${b.start} .. ${b.end}`;

export function renderDeprecated(body: any): string[] {
  const d = body.deprecation;
  const lines = [
    `${d.coordinate}: sunset ${d.sunset} (refused from 00:00 UTC)${d.replacement ? `, use ${d.replacement}` : ''}`,
    `  reason: ${d.reason}`,
  ];
  if (d.link) lines.push(`  link: ${d.link}`);
  for (const b of d.brownouts) lines.push(`  brownout: ${brownoutText(b)}`);
  const told = (body.notices as any[]).filter((n) => n.outcome === 'queued');
  const noHook = (body.notices as any[]).filter((n) => n.outcome === 'no-webhook');
  lines.push(
    told.length > 0
      ? `told (webhook): ${[...new Set(told.map((n) => `${n.consumer} (${n.kind})`))].join(', ')}`
      : 'told (webhook): nobody new',
  );
  if (noHook.length > 0)
    lines.push(
      `uses it but has no notify.webhook: ${[...new Set(noHook.map((n) => n.consumer))].join(', ')}`,
    );
  if (!body.usage.available) lines.push(`usage could not be read: ${body.usage.reason}`);
  return lines;
}

export function renderDeprecations(body: any): string[] {
  const list = body.deprecations as any[];
  if (list.length === 0) return ['no deprecations with a sunset'];
  const lines: string[] = [];
  for (const d of list) {
    lines.push(
      `${d.coordinate}  ${d.state.toUpperCase()}  sunset ${d.sunset}${d.replacement ? `  use ${d.replacement}` : ''}`,
      `  ${d.reason}  (deprecated ${d.deprecatedAt} by ${d.deprecatedBy}, schema version ${d.schemaVersion})`,
    );
    for (const b of d.brownouts) lines.push(`  brownout ${brownoutText(b)}`);
    for (const w of d.waivers)
      lines.push(`  waiver ${w.id}: ${w.consumer} until ${w.until} (${w.reason})`);
    if (!d.usage.available) lines.push(`  usage unknown: ${d.usage.reason}`);
    else if (d.usage.users.length === 0) lines.push('  no consumer used it in its window');
    else
      lines.push(
        ...table(
          ['consumer', 'requests', 'last seen', 'window', 'operations'],
          (d.usage.users as any[]).map((u) => [
            u.consumer,
            u.requests,
            u.lastSeen,
            `${u.windowDays} days`,
            u.operations.join(', '),
          ]),
        ).map((line) => `  ${line}`),
      );
  }
  return lines;
}

export function renderDeprecationHistory(body: any): string[] {
  const events = body.events as any[];
  if (events.length === 0) return ['no lifecycle events'];
  return events.map((e) => {
    const d = e.detail;
    const what =
      e.kind === 'waiver-granted'
        ? `waiver ${d.waiver} for ${d.consumer} until ${d.until}: ${d.reason}`
        : e.kind === 'waiver-revoked'
          ? `waiver ${d.waiver} of ${d.consumer} revoked`
          : `sunset ${d.sunset}${d.replacement ? `, use ${d.replacement}` : ''}${d.before ? ` (was ${d.before.sunset})` : ''}`;
    return `${e.at}  ${e.coordinate}  ${e.kind}  by ${e.actor}: ${what}`;
  });
}

export function renderWaiver(body: any): string[] {
  const w = body.waiver;
  return w.revokedAt
    ? [`waiver ${w.id} (${w.consumer}, ${w.coordinate}) revoked by ${w.revokedBy}`]
    : [`waiver ${w.id}: ${w.consumer} may use ${w.coordinate} until ${w.until} (${w.reason})`];
}

export function renderNotifications(body: any): string[] {
  const list = body.notifications as any[];
  if (list.length === 0) return ['no notices'];
  return table(
    ['created', 'consumer', 'coordinate', 'kind', 'status', 'attempts', 'last error'],
    list.map((n) => [
      n.createdAt,
      n.consumer,
      n.coordinate,
      n.kind,
      n.status,
      n.attempts,
      n.lastError ?? '',
    ]),
  );
}

export function renderImpact(body: any): string[] {
  const lines = [
    `${body.coordinate}: ${body.deprecation ? `sunset ${body.deprecation.sunset}` : 'no sunset given'}`,
  ];
  if (!body.usage.available) lines.push(`usage could not be read: ${body.usage.reason}`);
  if (body.told.length === 0) lines.push('nobody would be told: no consumer used it in its window');
  for (const t of body.told)
    lines.push(`${t.webhook ? 'told' : 'NOT told'}: ${t.consumer}: ${t.why}`);
  lines.push(`not told (no use in their window): ${body.notTold.join(', ') || 'none'}`);
  return lines;
}
