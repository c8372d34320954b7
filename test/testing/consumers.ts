/**
 * Consumers for tests, in one place: the gateway's Consumer model for module-level tests, and
 * governance configs whose consumers are identified by an API key equal to their id (as the
 * development config does), validated by the same parser as a real file.
 */
import { hashApiKey } from '../../gateway/src/governance/identity/api-keys';
import type { Consumer } from '../../gateway/src/governance/consumer';
import {
  parseGovernanceConfig,
  type GovernanceConfig,
} from '../../gateway/src/governance/governance-config';

/** A consumer as the gateway serves it: internal, no scopes, tier `gold`, allow mode, unless overridden. */
export function consumerOf(id: string, overrides: Partial<Consumer> = {}): Consumer {
  return {
    id,
    name: id,
    kind: 'internal',
    scopes: [],
    tenant: null,
    tier: 'gold',
    persistedOperations: 'allow',
    contract: null,
    requireClientName: false,
    requireOperationName: false,
    ...overrides,
  };
}

/** A consumer entry of a governance config file; its API key is its id. Internal, tier `gold`, unless overridden. */
export interface TestConsumerEntry {
  id: string;
  kind?: Consumer['kind'];
  scopes?: string[];
  tenant?: { customers?: string[]; carriers?: string[] } | null;
  tier?: string;
  persistedOperations?: Consumer['persistedOperations'];
  contract?: string | null;
  /** The origins of the consumer's own web pages (CORS). */
  cors?: { origins: string[] } | null;
  /** The identity provider of its signed-in buyers, as the file says it (issuer, audience, developmentSecret...). */
  endUserTokens?: Record<string, unknown>;
}

/**
 * A validated governance config: `sections` as a file would have them (limits, rateBudgets, usage,
 * contracts, modules...), and the consumers, each keyed by its id. Throws like a bad file would.
 */
export function testGovernanceConfig(
  sections: Record<string, unknown>,
  consumers: TestConsumerEntry[],
): GovernanceConfig {
  const file = {
    version: 1,
    ...sections,
    consumers: consumers.map(({ id, kind = 'internal', tier = 'gold', ...rest }) => ({
      id,
      name: id,
      kind,
      tier,
      apiKeys: [{ sha256: hashApiKey(id) }],
      ...rest,
    })),
  };
  // YAML is a superset of JSON: the file parser validates this exactly as it would a governance.yaml.
  return parseGovernanceConfig(JSON.stringify(file), { source: 'test-governance.yaml' });
}

/** The headers a request of `consumerId` sends (its API key is its id). */
export const as = (consumerId: string): Record<string, string> => ({ 'x-api-key': consumerId });
