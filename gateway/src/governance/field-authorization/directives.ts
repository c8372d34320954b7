/**
 * The requirements a supergraph declares, as its directive index (supergraph-directives.ts) read
 * `@authenticated` and `@requiresScopes` on fields and types, under whatever names the supergraph
 * imports them. Fail closed: a supergraph declaring what this module cannot enforce is refused
 * rather than partly enforced.
 */
import type { SupergraphDirectives } from '../../supergraph-directives';
import type { DeclaredRequirements } from './requirements';

const AUTHORIZATION_FEATURES = ['authenticated', 'requiresScopes', 'policy'] as const;

/**
 * The supergraph's requirements; throws, naming each, when an authorization feature is of a
 * version or shape the index could not read (its requirements would be skipped), or when `@policy`
 * guards anything (Switchyard evaluates no policies).
 */
export function declaredRequirementsOf(directives: SupergraphDirectives): DeclaredRequirements {
  const problems = AUTHORIZATION_FEATURES.flatMap(
    (key) => directives.features[key]?.problems ?? [],
  );
  const { fields, types } = directives.authorization;
  const withPolicies = [...fields, ...types].filter(([, access]) => access.policies !== null);
  if (withPolicies.length > 0)
    problems.push(
      `@${directives.features.policy!.directiveNames.policy} on ${withPolicies.map(([coordinate]) => coordinate).join(', ')}: Switchyard evaluates no policies`,
    );
  if (problems.length > 0)
    throw new Error(
      `field authorization cannot enforce this supergraph:\n${problems.map((problem) => `- ${problem}`).join('\n')}`,
    );
  return directives.authorization;
}
