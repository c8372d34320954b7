/**
 * The refusals of an operation that uses a coordinate past its sunset (FIELD_SUNSET) or inside one
 * of its brownout windows (FIELD_BROWNOUT). Both answer 410 Gone: the coordinate is gone for this
 * consumer (for good after the sunset; a brownout rehearses exactly that answer, so a client meets
 * it before the date). Each names the coordinate, the sunset date and the replacement.
 */
import { GovernanceCode, GovernanceError } from '../errors';
import type { Deprecation, TimeWindow } from './deprecation-feed';

export const LIFECYCLE_REFUSAL_STATUS = 410;

const instead = (d: Deprecation) => (d.replacement ? `; use ${d.replacement} instead` : '');

export function fieldSunset(
  sunset: readonly Deprecation[],
  consumerId: string | null,
  headers: Record<string, string>,
): GovernanceError {
  const [first] = sunset;
  const others =
    sunset.length > 1
      ? ` (also past their sunset: ${sunset
          .slice(1)
          .map((d) => d.coordinate)
          .join(', ')})`
      : '';
  return new GovernanceError(
    GovernanceCode.FIELD_SUNSET,
    `${first.coordinate} reached its sunset on ${first.sunset} and is no longer served${consumerId ? ` to ${consumerId}` : ''}${instead(first)}${others}.`,
    {
      status: LIFECYCLE_REFUSAL_STATUS,
      headers,
      details: {
        coordinate: first.coordinate,
        sunset: first.sunset,
        replacement: first.replacement,
        link: first.link,
        coordinates: sunset.map((d) => d.coordinate),
      },
    },
  );
}

export function fieldBrownout(
  deprecation: Deprecation,
  window: TimeWindow,
  headers: Record<string, string>,
): GovernanceError {
  const end = new Date(window.end).toISOString();
  return new GovernanceError(
    GovernanceCode.FIELD_BROWNOUT,
    `${deprecation.coordinate} is in a scheduled brownout until ${end}: it is refused as it will be for good from its sunset on ${deprecation.sunset}${instead(deprecation)}.`,
    {
      status: LIFECYCLE_REFUSAL_STATUS,
      headers,
      details: {
        coordinate: deprecation.coordinate,
        brownoutStart: new Date(window.start).toISOString(),
        brownoutEnd: end,
        sunset: deprecation.sunset,
        replacement: deprecation.replacement,
        link: deprecation.link,
      },
    },
  );
}
