/**
 * Governance-aware rules, which a schema diff cannot see (the API schema carries no access
 * directives): each finding is a failure that needs an approval.
 * - access-loosened: a field whose effective `@requiresScopes`/`@authenticated` (its own, its
 *   type's and its result type's, as the gateway combines them) admits a caller it refused before;
 * - unscoped-field-on-scoped-type: a new field on a type whose other fields all need scopes,
 *   added without a scope;
 * - cost-over-tier-limit: a registered operation whose cost under the candidate's `@cost`/
 *   `@listSize` exceeds its consumer's tier limit (newly, or more than before), by the gateway's
 *   own cost calculator, with the operation's variables left to their defaults.
 */
import { isInterfaceType, isObjectType, type GraphQLSchema } from 'graphql';
import {
  describeRequirement,
  fieldRequirement,
  type Requirement,
} from '@switchyard/gateway/src/governance/field-authorization/requirements';
import { operationCost } from '@switchyard/gateway/src/governance/limits/operation-cost';
import type { CheckPolicy } from './check-policy';
import type { GovernanceRuleFailure } from './check-report';
import type { ParsedOperation } from './registered-operations';
import type { SchemaVariants } from './schema-variants';

export function governanceRules(
  before: SchemaVariants | null,
  after: SchemaVariants,
  policy: CheckPolicy,
  operations: ParsedOperation[],
): GovernanceRuleFailure[] {
  const failures: GovernanceRuleFailure[] = [];
  if (before && policy.authorization) {
    const was = requirementsByField(before);
    const is = requirementsByField(after);
    for (const [coordinate, requirement] of is) {
      const previous = was.get(coordinate);
      if (previous && loosened(previous, requirement)) {
        failures.push({
          rule: 'access-loosened',
          coordinate,
          message: `${coordinate} needed ${describeRequirement(previous) || 'nothing'} and would need ${describeRequirement(requirement) || 'nothing'}: callers it refused would read it`,
        });
      }
    }
    for (const [typeName, fields] of fieldsByType(after.api)) {
      const existing = fields.filter((field) => was.has(`${typeName}.${field}`));
      const added = fields.filter((field) => !was.has(`${typeName}.${field}`));
      if (existing.length === 0 || added.length === 0) continue;
      if (!existing.every((field) => was.get(`${typeName}.${field}`)!.requiresScopes)) continue;
      for (const field of added) {
        if (is.get(`${typeName}.${field}`)!.requiresScopes) continue;
        failures.push({
          rule: 'unscoped-field-on-scoped-type',
          coordinate: `${typeName}.${field}`,
          message: `${typeName}.${field} is new and needs no scope, while every other field of ${typeName} does: add @requiresScopes, or approve`,
        });
      }
    }
  }
  for (const { consumer, operation, document, definition } of operations) {
    const limit = policy.costLimits[consumer.tier];
    if (limit === undefined) continue;
    const options = { defaultListSize: policy.defaultListSize };
    const costAfter = operationCost(after.api, document, definition, {}, after.directives, options);
    if (costAfter <= limit) continue;
    const costBefore = before
      ? operationCost(before.api, document, definition, {}, before.directives, options)
      : 0;
    if (costBefore > limit && costAfter <= costBefore) continue;
    failures.push({
      rule: 'cost-over-tier-limit',
      consumer: consumer.id,
      operationName: operation.name,
      operationId: operation.id,
      message: `${consumer.id}'s registered operation ${operation.name} would cost ${costAfter} (today ${costBefore}), over the ${consumer.tier} tier's limit of ${limit}: it would be refused`,
    });
  }
  return failures;
}

/** Each field's effective requirement, as the gateway enforces it. */
function requirementsByField(variants: SchemaVariants): Map<string, Requirement> {
  const declared = variants.directives.authorization;
  const result = new Map<string, Requirement>();
  for (const type of Object.values(variants.api.getTypeMap())) {
    if (type.name.startsWith('__') || !(isObjectType(type) || isInterfaceType(type))) continue;
    for (const field of Object.values(type.getFields()))
      result.set(
        `${type.name}.${field.name}`,
        fieldRequirement(variants.api, declared, type, field),
      );
  }
  return result;
}

function fieldsByType(schema: GraphQLSchema): Map<string, string[]> {
  const result = new Map<string, string[]>();
  for (const type of Object.values(schema.getTypeMap())) {
    if (type.name.startsWith('__') || !(isObjectType(type) || isInterfaceType(type))) continue;
    result.set(type.name, Object.keys(type.getFields()));
  }
  return result;
}

/**
 * Whether `after` lets through a caller `before` refused: authentication dropped, or a scope set
 * that satisfies `after` without containing any set `before` accepted.
 */
export function loosened(before: Requirement, after: Requirement): boolean {
  if (before.authenticated && !after.authenticated) return true;
  if (!before.requiresScopes) return false;
  if (!after.requiresScopes) return true;
  return after.requiresScopes.some(
    (set) => !before.requiresScopes!.some((old) => old.every((scope) => set.includes(scope))),
  );
}
