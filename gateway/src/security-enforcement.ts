/**
 * Fail closed at start and on every swap: a supergraph that declares security directives
 * (`@authenticated`, `@requiresScopes`, `@policy`, under whatever names it imports them) is served
 * only by a gateway that enforces them (governance with its field-authorization module on), or by
 * one whose operator said explicitly that it must not (`--ungoverned`, SWITCHYARD_UNGOVERNED=1).
 * Anything else refuses that supergraph: the gateway does not start, a swap keeps the current one.
 */
import type { SupergraphDirectives } from './supergraph-directives';

/**
 * Who answers for the supergraph's security directives: `governance` (field authorization enforces
 * them), `waived` (the operator started the gateway ungoverned on purpose), `none` (nobody: a
 * supergraph that declares any is refused).
 */
export type SecurityEnforcement = 'governance' | 'waived' | 'none';

/** The name of the governance module that enforces the security directives (field-authorization/). */
export const ENFORCING_MODULE = 'field-authorization';

export function securityEnforcementOf(
  moduleNames: readonly string[],
  ungoverned: boolean,
): SecurityEnforcement {
  if (moduleNames.includes(ENFORCING_MODULE)) return 'governance';
  return ungoverned ? 'waived' : 'none';
}

/** The security directives a supergraph links, by the name it gives them (`@requiresScopes`, or `@scopes` when renamed). */
export function declaredSecurityDirectives(directives: SupergraphDirectives): string[] {
  const declared: string[] = [];
  for (const key of ['authenticated', 'requiresScopes', 'policy'] as const) {
    const feature = directives.features[key];
    if (feature) declared.push(`@${feature.directiveNames[key] ?? key}`);
  }
  return declared;
}

/** A supergraph whose security directives nothing would enforce. */
export class UnenforcedSecurityError extends Error {
  constructor(readonly declared: string[]) {
    super(
      `the supergraph declares ${declared.join(', ')} and nothing enforces them: start the gateway with a governance file whose authorization module is on (--governance FILE or GOVERNANCE_FILE), or, to serve every field to every caller on purpose, with --ungoverned (SWITCHYARD_UNGOVERNED=1)`,
    );
    this.name = 'UnenforcedSecurityError';
  }
}

/** The guard of a gateway where nothing enforces security directives: refuses a supergraph that declares any. */
export function refuseUnenforcedSecurity(directives: SupergraphDirectives): void {
  const declared = declaredSecurityDirectives(directives);
  if (declared.length > 0) throw new UnenforcedSecurityError(declared);
}

/** What an ungoverned gateway says on start and on /readyz, for the supergraph it serves now. */
export function ungovernedWarning(directives: SupergraphDirectives): string {
  const declared = declaredSecurityDirectives(directives);
  return declared.length > 0
    ? `ungoverned: started with --ungoverned (SWITCHYARD_UNGOVERNED=1); the supergraph's ${declared.join(', ')} are not enforced, every caller sees every field`
    : 'ungoverned: started with --ungoverned (SWITCHYARD_UNGOVERNED=1); no governance: no identity, authorization, limits or rate budgets';
}
