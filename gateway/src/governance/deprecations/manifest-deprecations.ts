/**
 * A manifest registration meets the lifecycle as the operations will when they run: an operation
 * using a coordinate past its sunset (without the consumer's waiver) is refused with
 * COORDINATE_SUNSET; one using a deprecated coordinate is registered, with a DEPRECATED_COORDINATE
 * warning naming the sunset (and the next brownout, or the waiver it runs under).
 */
import type {
  ManifestOperation,
  ManifestReason,
  ManifestWarning,
} from '../persisted-operations/operation-manifest';
import { ManifestReasonCode } from '../persisted-operations/operation-manifest';
import type { UsedDeprecation } from './deprecations';

export function manifestFindings(
  consumerId: string,
  index: number,
  operation: ManifestOperation,
  used: readonly UsedDeprecation[],
): { reasons: ManifestReason[]; warnings: ManifestWarning[] } {
  const where = { index, id: operation.id, name: operation.name };
  const reasons: ManifestReason[] = [];
  const warnings: ManifestWarning[] = [];
  for (const { deprecation, phase } of used) {
    const { coordinate, sunset, replacement } = deprecation;
    const instead = replacement ? `; use ${replacement} instead` : '';
    if (phase.kind === 'sunset') {
      reasons.push({
        code: ManifestReasonCode.COORDINATE_SUNSET,
        message: `operation ${operation.name} uses ${coordinate}, which reached its sunset on ${sunset} and is no longer served to ${consumerId}${instead}`,
        operation: where,
        coordinate,
      });
      continue;
    }
    const when =
      phase.kind === 'waived'
        ? `reached its sunset on ${sunset}; ${consumerId} is served it under a waiver until ${new Date(phase.waiver.until).toISOString()}`
        : phase.kind === 'brownout'
          ? `is in a brownout until ${new Date(phase.window.end).toISOString()} and is refused from its sunset on ${sunset}`
          : `is deprecated and will be refused from its sunset on ${sunset}${phase.nextBrownout ? ` (and during a brownout from ${new Date(phase.nextBrownout.start).toISOString()} to ${new Date(phase.nextBrownout.end).toISOString()})` : ''}`;
    warnings.push({
      code: 'DEPRECATED_COORDINATE',
      message: `operation ${operation.name} uses ${coordinate}, which ${when}${instead}`,
      operation: where,
      coordinate,
      sunset,
      replacement,
    });
  }
  return { reasons, warnings };
}
