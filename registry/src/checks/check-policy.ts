/**
 * What a check needs of the governance config the gateways run (gateway/governance.dev.yaml in
 * development): each consumer's scopes, contract, tier and persisted-operations mode, each
 * consumer's usage window, the contract filters, the tiers' cost limits and the default list size.
 * Read from the same file the gateways load, so the registry judges a change by the rules that
 * will serve it.
 */
import { parseDuration } from '@switchyard/kit';
import type { ContractFilter } from '@switchyard/gateway/src/governance/contracts/contract-schema';
import type { GovernanceConfig } from '@switchyard/gateway/src/governance/governance-config';

const DAY_MS = 86_400_000;

/** The usage window when the config names none: 30 days. */
export const DEFAULT_USAGE_WINDOW = '30d';
/** How long usage buckets are kept when the config says nothing (the usage module's default). */
export const DEFAULT_RETENTION_DAYS = 30;

export interface ConsumerPolicy {
  id: string;
  scopes: string[];
  contract: string | null;
  tier: string;
  persistedOnly: boolean;
  /** How far back usage counts for this consumer: `usage.windows.consumers`, else its tier's, else the default. */
  windowMs: number;
}

export interface CheckPolicy {
  consumers: ConsumerPolicy[];
  contracts: Record<string, ContractFilter>;
  /** Tier → the most an operation may cost (`limits.tiers.<tier>.cost`). */
  costLimits: Record<string, number>;
  defaultListSize?: number;
  /** The window of a consumer the config does not declare (e.g. `anonymous`). */
  defaultWindowMs: number;
  /** Whether field authorization runs (scopes are enforced). */
  authorization: boolean;
  /** Whether contracts are enforced (with the module off, a contract consumer is served the whole API). */
  contractsEnforced: boolean;
}

export function checkPolicyOf(config: GovernanceConfig): CheckPolicy {
  const windows = config.usage?.windows;
  const defaultWindowMs = parseDuration(windows?.default ?? DEFAULT_USAGE_WINDOW);
  const costLimits: Record<string, number> = {};
  for (const [tier, limits] of Object.entries(config.limits?.tiers ?? {}))
    if (limits.cost !== undefined && config.modules.limits) costLimits[tier] = limits.cost;
  return {
    consumers: config.consumers.map((consumer) => ({
      id: consumer.id,
      scopes: consumer.scopes,
      contract: config.modules.contracts ? consumer.contract : null,
      tier: consumer.tier,
      persistedOnly:
        config.modules.persistedOperations && consumer.persistedOperations === 'persisted-only',
      windowMs: parseDuration(
        ownValue(windows?.consumers, consumer.id) ??
          ownValue(windows?.tiers, consumer.tier) ??
          windows?.default ??
          DEFAULT_USAGE_WINDOW,
      ),
    })),
    contracts: config.contracts,
    costLimits,
    defaultListSize: config.limits?.defaultListSize,
    defaultWindowMs,
    authorization: config.modules.authorization,
    contractsEnforced: config.modules.contracts,
  };
}

/** Days, for reports: one decimal from a day up, three significant digits below (a 10-minute window is not 0 days). */
export const daysOf = (ms: number) =>
  ms >= DAY_MS ? Math.round((ms / DAY_MS) * 10) / 10 : Number((ms / DAY_MS).toPrecision(3));

/** A span of days in words: `400 days`, `2.5 hours`, `10 minutes`. */
export function spanText(days: number): string {
  if (days >= 1) return `${days} ${days === 1 ? 'day' : 'days'}`;
  const hours = days * 24;
  if (hours >= 1) return `${Math.round(hours * 10) / 10} hours`;
  return `${Math.round(hours * 60)} minutes`;
}

export const DAY = DAY_MS;

function ownValue(record: Record<string, string> | undefined, key: string): string | undefined {
  return record && Object.hasOwn(record, key) ? record[key] : undefined;
}
