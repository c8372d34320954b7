import { badUserInput } from './errors';

/**
 * Checks a `<verb>After` / `<verb>Before` filter pair (after inclusive, before exclusive, both
 * normalised ISO-8601 UTC by the DateTime scalar, so string order is time order). A range that
 * cannot hold a single instant is BAD_USER_INPUT naming `<verb>After`, rather than an empty page.
 */
export function checkDateRange(
  verb: string,
  after: string | null | undefined,
  before: string | null | undefined,
): void {
  if (after && before && after >= before) {
    throw badUserInput(
      `"${verb}After" (${after}) must be earlier than "${verb}Before" (${before})`,
      `${verb}After`,
    );
  }
}
