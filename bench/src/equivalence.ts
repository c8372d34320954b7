/**
 * Before anything is timed, every gateway must give the same answer to the same request: the same
 * JSON, keys in the same order (GraphQL orders a result as its selection set), no errors. The
 * first difference is reported with its path, so a gateway that answers faster by answering
 * differently is caught rather than measured.
 */

export interface Answer {
  status: number;
  text: string;
}

/** The first place where `actual` differs from `expected` (a JSON path and both values), or null. */
export function firstDifference(expected: unknown, actual: unknown, path = '$'): string | null {
  if (Array.isArray(expected) || Array.isArray(actual)) {
    if (!Array.isArray(expected) || !Array.isArray(actual))
      return `${path}: ${preview(expected)} ≠ ${preview(actual)}`;
    if (expected.length !== actual.length)
      return `${path}: ${expected.length} items ≠ ${actual.length} items`;
    for (let i = 0; i < expected.length; i++) {
      const difference = firstDifference(expected[i], actual[i], `${path}[${i}]`);
      if (difference) return difference;
    }
    return null;
  }
  if (isObject(expected) && isObject(actual)) {
    const expectedKeys = Object.keys(expected);
    const actualKeys = Object.keys(actual);
    for (const key of expectedKeys) {
      if (!(key in actual)) return `${path}.${key}: missing (expected ${preview(expected[key])})`;
    }
    for (const key of actualKeys) {
      if (!(key in expected)) return `${path}.${key}: unexpected ${preview(actual[key])}`;
    }
    for (const key of expectedKeys) {
      const difference = firstDifference(expected[key], actual[key], `${path}.${key}`);
      if (difference) return difference;
    }
    if (expectedKeys.join() !== actualKeys.join())
      return `${path}: keys in another order (${expectedKeys.join(', ')} ≠ ${actualKeys.join(', ')})`;
    return null;
  }
  return Object.is(expected, actual) ? null : `${path}: ${preview(expected)} ≠ ${preview(actual)}`;
}

/** Why an answer cannot serve as a workload's answer at all (not 200, not JSON, or GraphQL errors), or null. */
export function unusableAnswer(answer: Answer): string | null {
  if (answer.status !== 200) return `HTTP ${answer.status}: ${answer.text.slice(0, 500)}`;
  let body: { data?: unknown; errors?: unknown[] };
  try {
    body = JSON.parse(answer.text);
  } catch {
    return `not JSON: ${answer.text.slice(0, 200)}`;
  }
  if (body.errors?.length) return `GraphQL errors: ${JSON.stringify(body.errors).slice(0, 800)}`;
  if (!body.data) return 'no data';
  return null;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function preview(value: unknown): string {
  const text = JSON.stringify(value);
  return text === undefined ? 'undefined' : text.length > 120 ? `${text.slice(0, 117)}...` : text;
}
