/**
 * @apollo/gateway refuses a supergraph that links `for: SECURITY` features it does not enforce
 * (`@authenticated`, `@requiresScopes`): Apollo Router enforces them, the Node gateway does not.
 * Switchyard enforces them itself (governance/field-authorization/ reads them from the composed
 * supergraph), so the supergraph the executor loads declares them as ordinary features, whatever
 * the link's `as:` or `import:` (composition writes a subgraph's renames there).
 */
const ENFORCED_BY_SWITCHYARD =
  /(@link\(url: "https:\/\/specs\.apollo\.dev\/(?:authenticated|requiresScopes)\/v[0-9.]+"(?:, as: "\w+")?), for: SECURITY(?=[,)])/g;

export function supergraphForExecution(supergraphSdl: string): string {
  return supergraphSdl.replace(ENFORCED_BY_SWITCHYARD, '$1');
}
