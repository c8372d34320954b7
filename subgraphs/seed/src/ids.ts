/** `sequentialId('ORD', 12, 6)` -> `ORD-000012`: the id shapes the graph's consumers see (CUS-0001, PRD-00001...). */
export function sequentialId(prefix: string, n: number, width: number): string {
  return `${prefix}-${String(n).padStart(width, '0')}`;
}
