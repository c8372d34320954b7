/**
 * The check pipeline: composition (the service's), changes of the API schema and of each contract
 * variant, usage impact by consumer, registered operations, governance rules, then the verdict and
 * the fingerprint an approval binds to. Runs in the registry only, never on a gateway's request path.
 *
 * Verdict: composition failed → fails, nothing approves it. Otherwise it fails (approvable) on a
 * breaking change used, or unknown (usage-impact.ts's rule), or with no coordinate usage could
 * tell; a registered operation the change breaks; a consumer's registered operations that could
 * not be read; a governance rule; a regression the contract replay found in the candidate's
 * deployment, or a replay that could not run (contract-replay.ts). Dangerous changes and breaking
 * changes unused in every window pass with a warning.
 */
import type { GovernanceConfig } from '@switchyard/gateway/src/governance/governance-config';
import { checkPolicyOf, type CheckPolicy } from './check-policy';
import { contractReplay, replayFindings } from './contract-replay';
import type { CheckInput, CheckSections, PipelineReport, RunCheck } from './check-report';
import { changeFingerprint } from './fingerprint';
import type { GovernanceSources } from './governance-sources';
import { governanceRules } from './governance-rules';
import { checkRegisteredOperations } from './registered-operations';
import { schemaChanges } from './schema-changes';
import { schemaVariantsOf, type SchemaVariants } from './schema-variants';

/** Supergraphs whose schemas a runner keeps built (today's and the last candidates). */
const VARIANTS_CACHED = 4;
import { UNKNOWN_RULE, usageImpact } from './usage-impact';
import {
  asFailingAlready,
  deprecationOfChange,
  judgeRemoval,
  refusedSinceSunset,
} from '../lifecycle/removal-rule';
import type { DeprecationRecord, WaiverRecord } from '../storage/lifecycle-store';

export interface CheckRunnerDeps {
  /** The governance config the gateways run (consumers, contracts, tier limits, usage windows); a function to follow reloads. */
  governance: GovernanceConfig | (() => GovernanceConfig);
  /** Usage and registered operations (createGatewayAdminSource). */
  sources: GovernanceSources;
  /** Deprecations with a sunset and waivers: a breaking change to one is judged by lifecycle/removal-rule.ts. */
  deprecations?: () => Promise<{ deprecations: DeprecationRecord[]; waivers: WaiverRecord[] }>;
  now?: () => number;
}

export function createCheckRunner(deps: CheckRunnerDeps): RunCheck {
  const now = deps.now ?? Date.now;
  const policyNow = (): CheckPolicy =>
    checkPolicyOf(typeof deps.governance === 'function' ? deps.governance() : deps.governance);

  // Today's supergraph is the "before" of every check until a publish: built once (per policy), not per check.
  const variants = new Map<string, { policy: CheckPolicy; variants: SchemaVariants | null }>();
  const variantsOf = (sdl: string, policy: CheckPolicy) => {
    const cached = variants.get(sdl);
    if (cached && JSON.stringify(cached.policy) === JSON.stringify(policy)) return cached.variants;
    const built = schemaVariantsOf(sdl, policy);
    if (variants.size >= VARIANTS_CACHED) variants.delete(variants.keys().next().value!);
    variants.set(sdl, { policy, variants: built });
    return built;
  };

  return async (input: CheckInput): Promise<PipelineReport> => {
    const checkedAt = now();
    const base = {
      subgraph: input.subgraph,
      unknownRule: UNKNOWN_RULE,
      checkedAt: new Date(checkedAt).toISOString(),
    };
    if (!input.after.ok) {
      const sections: CheckSections = {
        ...base,
        composition: { ok: false, errors: input.after.errors },
        changes: [],
        usage: [],
        usageCoverage: { available: false, reason: 'not read: composition failed', consumers: [] },
        operations: { checked: 0, failures: [], alreadyFailing: [], unavailable: [] },
        rules: [],
        failures: [
          `The candidate does not compose with the other subgraphs (${input.after.errors.length} ${input.after.errors.length === 1 ? 'error' : 'errors'}): nothing can approve it`,
        ],
        warnings: [],
      };
      return { id: '', ...sections, ok: false, approvalRequired: false };
    }

    const policy = policyNow();
    const before = variantsOf(input.before.supergraphSdl, policy);
    const after = variantsOf(input.after.supergraphSdl, policy)!;
    const changes = before ? await schemaChanges(before, after) : [];
    const [{ impacts, coverage }, registered, replay] = await Promise.all([
      usageImpact(
        changes,
        before ? [before.api, after.api] : [after.api],
        policy,
        deps.sources,
        checkedAt,
      ),
      checkRegisteredOperations(before, after, policy, deps.sources),
      input.replayEndpoint
        ? contractReplay(input.subgraph, input.replayEndpoint, deps.sources)
        : undefined,
    ]);
    const rules = governanceRules(before, after, policy, registered.parsed);
    const lifecycle = deps.deprecations
      ? await deps.deprecations()
      : { deprecations: [], waivers: [] };
    asFailingAlready(
      registered.report,
      refusedSinceSunset(
        registered.parsed,
        (before ?? after).api,
        lifecycle.deprecations,
        lifecycle.waivers,
        checkedAt,
      ),
    );

    const failures: string[] = [];
    const warnings: string[] = [];
    if (!before) warnings.push('The registry serves no supergraph yet: nothing to compare with');
    for (const impact of impacts) {
      const used = impact.consumers.map(
        (c) =>
          `${c.consumer} (${c.operations.map((o) => o.operationName || o.operationId).join(', ')})`,
      );
      const unknown = impact.unknown.map((u) => u.consumer);
      const what = `${impact.level} change ${impact.changeType} at ${impact.coordinate}`;
      const deprecation = deprecationOfChange(impact.coordinate, lifecycle.deprecations);
      if (impact.level === 'breaking' && deprecation) {
        const verdict = judgeRemoval(
          what,
          deprecation,
          impact.consumers,
          lifecycle.waivers,
          checkedAt,
        );
        if (verdict.failure) failures.push(verdict.failure);
        if (verdict.warning) warnings.push(verdict.warning);
      } else if (impact.level === 'breaking') {
        if (used.length > 0) failures.push(`${what} is used by ${used.join('; ')}`);
        else if (unknown.length > 0)
          failures.push(`${what}: usage unknown for ${unknown.join(', ')} (unknown is not safe)`);
        else if (impact.usageCoordinates.length === 0)
          failures.push(`${what}: no field usage can tell who depends on it`);
        else warnings.push(`${what} was not used in any consumer's window`);
      } else if (used.length > 0) warnings.push(`${what} is used by ${used.join('; ')}`);
      else if (unknown.length > 0)
        warnings.push(`${what}: usage unknown for ${unknown.join(', ')}`);
    }
    for (const failure of registered.report.failures)
      failures.push(
        `registered operation ${failure.operationName} of ${failure.consumer} would fail: ${failure.reasons.join('; ')}`,
      );
    for (const { consumer, reason } of registered.report.unavailable)
      failures.push(`registered operations of ${consumer} could not be checked: ${reason}`);
    for (const failure of registered.report.alreadyFailing)
      warnings.push(
        `registered operation ${failure.operationName} of ${failure.consumer} fails already, before this change: ${failure.reasons.join('; ')}`,
      );
    for (const rule of rules) failures.push(`${rule.rule}: ${rule.message}`);
    if (replay) {
      const found = replayFindings(replay);
      failures.push(...found.failures);
      warnings.push(...found.warnings);
    }

    const sections: CheckSections = {
      ...base,
      composition: { ok: true, errors: [] },
      changes,
      usage: impacts,
      usageCoverage: coverage,
      operations: registered.report,
      rules,
      ...(replay ? { replay } : {}),
      failures,
      warnings,
    };
    const ok = failures.length === 0;
    return {
      id: '',
      ...sections,
      ok,
      approvalRequired: !ok,
      fingerprint: changeFingerprint(sections),
    };
  };
}
