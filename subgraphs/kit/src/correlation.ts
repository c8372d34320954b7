import { randomUUID } from 'node:crypto';

export const CORRELATION_HEADER = 'x-correlation-id';

const VALID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The caller's correlation id when it is well formed, or a new one; never an arbitrary string echoed back. */
export function correlationIdFrom(header: string | string[] | undefined): string {
  const value = Array.isArray(header) ? header[0] : header;
  return value && VALID.test(value) ? value : randomUUID();
}
