/** Counts of a fuzzing run's answers by HTTP status and by error code, printed as two tables. */
export class OutcomeTally {
  total = 0;
  private readonly statuses = new Map<string, number>();
  private readonly codes = new Map<string, number>();

  add(status: number | string, codes: readonly string[]): void {
    this.total++;
    increment(this.statuses, String(status));
    for (const code of codes) increment(this.codes, code);
  }

  format(): string {
    return [
      table('HTTP status', this.statuses, this.total),
      '',
      table('extensions.code (answers carrying it)', this.codes, this.total),
    ].join('\n');
  }
}

function increment(counts: Map<string, number>, key: string) {
  counts.set(key, (counts.get(key) ?? 0) + 1);
}

function table(title: string, counts: Map<string, number>, total: number): string {
  const rows = [...counts].sort(([a, x], [b, y]) => y - x || a.localeCompare(b));
  const width = Math.max(title.length, ...rows.map(([key]) => key.length));
  const line = (key: string, count: string, share: string) =>
    `| ${key.padEnd(width)} | ${count.padStart(7)} | ${share.padStart(6)} |`;
  return [
    line(title, 'count', 'share'),
    `|${'-'.repeat(width + 2)}|${'-'.repeat(9)}|${'-'.repeat(8)}|`,
    ...rows.map(([key, count]) =>
      line(key, String(count), `${((100 * count) / total).toFixed(1)}%`),
    ),
    line('total', String(total), ''),
  ].join('\n');
}
