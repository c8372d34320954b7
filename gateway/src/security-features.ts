import type { SecurityEnforcement } from './security-enforcement';

/**
 * @apollo/gateway refuses a supergraph that links `for: SECURITY` features it does not enforce
 * (`@authenticated`, `@requiresScopes`): Apollo Router enforces them, the Node gateway does not.
 * Switchyard enforces them itself (governance/field-authorization/ reads them from the composed
 * supergraph), so the supergraph the executor loads declares them as ordinary features, whatever
 * the link's `as:` or `import:` (composition writes a subgraph's renames there).
 *
 * Only where something answers for them: governance's field authorization enforces them, or the
 * operator waived them on purpose (--ungoverned: stripping is what lets that gateway serve the
 * supergraph at all, which is what was asked for). With nobody answering (`none`) the links stay,
 * so @apollo/gateway refuses the supergraph too: a second lock behind the start and swap guard
 * (security-enforcement.ts).
 */
const ENFORCED_BY_SWITCHYARD =
  /(@link\(url: "https:\/\/specs\.apollo\.dev\/(?:authenticated|requiresScopes)\/v[0-9.]+"(?:, as: "\w+")?), for: SECURITY(?=[,)])/g;

export function supergraphForExecution(
  supergraphSdl: string,
  enforcement: SecurityEnforcement,
): string {
  if (enforcement === 'none') return supergraphSdl;
  return supergraphSdl.replace(ENFORCED_BY_SWITCHYARD, '$1');
}
