import { formatCents } from '@switchyard/kit';

/** `sequentialId('ORD', 12, 6)` -> `ORD-000012`: the id shapes the graph's consumers see (CUS-0001, PRD-00001...). */
export function sequentialId(prefix: string, n: number, width: number): string {
  return `${prefix}-${String(n).padStart(width, '0')}`;
}

/** 123456 -> "$1234.56", for the human detail of holds. */
export function dollars(cents: number): string {
  return `$${formatCents(cents)}`;
}
