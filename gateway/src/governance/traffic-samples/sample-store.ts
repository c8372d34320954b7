/**
 * Where traffic samples live in the GovernanceStore, and how they are read back.
 *
 * Layout: per subgraph and operation (the sha-256 of the document the gateway sent), one
 * descriptor `traffic:operation:<subgraph>:<key>` (the document, once) and a ring of at most
 * `perOperation` samples `traffic:sample:<subgraph>:<key>:<slot>` (variables, forwarded identity),
 * every entry with a time to live of the retention. Plain values with a time to live rather than
 * the store's capped logs: the store then ends every sample at its age bound itself, and an
 * operation nobody sends any more leaves nothing behind (a capped log has no expiry).
 */
import type { CallerIdentity } from '@switchyard/kit';
import type { GovernanceStore } from '../store/governance-store';

/** A subgraph operation the gateway sent and sampled. */
export interface SampledOperation {
  subgraph: string;
  /** sha-256 (hex) of `document`. */
  key: string;
  /** The document as the gateway sent it, guarded literal arguments masked. */
  document: string;
  /** The subgraph operation's name, as the query planner named it (`<client operation>__<subgraph>__<n>`). */
  operationName: string | null;
}

/** One request of an operation, as the gateway sent it. */
export interface TrafficSample {
  /** When it was sent (ISO). */
  at: string;
  /** Its variables, guarded values masked. */
  variables: Record<string, unknown> | null;
  /** The identity the gateway forwarded (signed again, for the same subgraph, when replayed). */
  identity: Omit<CallerIdentity, 'exp'>;
  correlationId: string | null;
  /** What was masked, in words; a sample with anything masked is not replayed. */
  masked: string[];
}

export interface SampledOperationWithSamples extends SampledOperation {
  /** Newest first. */
  samples: TrafficSample[];
}

const OPERATION_PREFIX = 'traffic:operation:';
const SAMPLE_PREFIX = 'traffic:sample:';

export interface SampleStore {
  write(operation: SampledOperation, slot: number, sample: TrafficSample): Promise<void>;
  /** Every sampled operation of `subgraph` with its samples, newest first; at most `maxOperations` operations. */
  read(subgraph: string, maxOperations: number): Promise<SampledOperationWithSamples[]>;
}

export function createSampleStore(store: GovernanceStore, retentionSeconds: number): SampleStore {
  return {
    async write(operation, slot, sample) {
      await Promise.all([
        store.set(
          `${OPERATION_PREFIX}${operation.subgraph}:${operation.key}`,
          JSON.stringify(operation),
          retentionSeconds,
        ),
        store.set(
          `${SAMPLE_PREFIX}${operation.subgraph}:${operation.key}:${slot}`,
          JSON.stringify(sample),
          retentionSeconds,
        ),
      ]);
    },

    async read(subgraph, maxOperations) {
      const operationKeys = (await store.keys(`${OPERATION_PREFIX}${subgraph}:`))
        .sort()
        .slice(0, maxOperations);
      const operations = await Promise.all(
        operationKeys.map(async (operationKey) => {
          const text = await store.get(operationKey);
          if (!text) return null;
          const operation = JSON.parse(text) as SampledOperation;
          const sampleKeys = await store.keys(`${SAMPLE_PREFIX}${subgraph}:${operation.key}:`);
          const samples = (await Promise.all(sampleKeys.map((key) => store.get(key))))
            .filter((sample): sample is string => sample !== null)
            .map((sample) => JSON.parse(sample) as TrafficSample)
            .sort((a, b) => b.at.localeCompare(a.at));
          return { ...operation, samples };
        }),
      );
      return operations.filter(
        (operation): operation is SampledOperationWithSamples =>
          operation !== null && operation.samples.length > 0,
      );
    },
  };
}
