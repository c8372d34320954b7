/** Left-aligned columns, two spaces apart, under a header (and a rule of dashes when asked). */
export function table(
  header: string[],
  rows: (string | number)[][],
  options: { rule?: boolean } = {},
): string[] {
  const cells = rows.map((row) => row.map(String));
  const widths = header.map((title, column) =>
    Math.max(title.length, ...cells.map((row) => row[column].length)),
  );
  const line = (row: string[]) =>
    row
      .map((cell, column) => cell.padEnd(widths[column]))
      .join('  ')
      .trimEnd();
  const rule = options.rule ? [line(widths.map((width) => '-'.repeat(width)))] : [];
  return [line(header), ...rule, ...cells.map(line)];
}
