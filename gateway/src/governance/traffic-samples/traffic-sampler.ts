/**
 * The sampler: told every subgraph call the gateway made and that was answered (the subgraph
 * client's `sampleExchange` hook), it keeps a bounded sample of them for contract replay. Queries
 * only: a replay must never write, so mutations are never kept. Per subgraph and operation at most
 * one request every `sampleIntervalMs` in this replica, so a hot operation costs one store write
 * per interval and its `perOperation` samples span a while, not the last second. What a call costs
 * when it is not sampled: two map lookups and a clock read; the store write is never awaited.
 */
import { createHash } from 'node:crypto';
import { Kind, parse, type DocumentNode } from 'graphql';
import type { GatewayContext } from '../../context';
import { callerIdentityOf } from '../../forwarded-identity';
import type { SupergraphSource } from '../../supergraph-manager';
import { fieldSensitivityOf, maskRequest, type FieldSensitivity } from './sample-masking';
import type { SampleStore } from './sample-store';

/** What the subgraph client tells the sampler of one answered call. */
export interface SubgraphExchange {
  subgraph: string;
  request: { query?: string; operationName?: string; variables?: Record<string, unknown> };
  context?: GatewayContext;
}

export interface TrafficSamplerOptions {
  /** Samples kept per subgraph operation (the newest). */
  perOperation: number;
  /** The least time between two samples of one operation in this replica (ms). */
  sampleIntervalMs: number;
  /** Distinct operations sampled per subgraph by this replica; later ones are not sampled. */
  maxOperationsPerSubgraph: number;
}

export interface TrafficSamplerDeps {
  samples: SampleStore;
  supergraph: SupergraphSource;
  now?: () => number;
  /** Told when the store refused a sample (it is dropped: sampling is best effort). */
  onWriteError?: (error: unknown) => void;
}

interface OperationState {
  /** null: never sampled (a mutation, or a document that does not parse). */
  document: DocumentNode | null;
  key: string;
  lastSampledAt: number;
  nextSlot: number;
}

export interface TrafficSampler {
  sampleExchange(exchange: SubgraphExchange): void;
  /** Operations this replica stopped tracking because a subgraph had `maxOperationsPerSubgraph` already. */
  readonly untrackedOperations: number;
}

export function createTrafficSampler(
  options: TrafficSamplerOptions,
  deps: TrafficSamplerDeps,
): TrafficSampler {
  const now = deps.now ?? Date.now;
  const bySubgraph = new Map<string, Map<string, OperationState>>();
  let untracked = 0;
  // The guarded fields of the supergraph served now, derived again after a swap.
  let sensitivity: { for: object; value: FieldSensitivity } | null = null;
  const sensitivityNow = () => {
    const directives = deps.supergraph.directives;
    if (sensitivity?.for !== directives)
      sensitivity = {
        for: directives,
        value: fieldSensitivityOf(deps.supergraph.apiSchema(), directives),
      };
    return sensitivity.value;
  };

  function stateOf(subgraph: string, query: string): OperationState | null {
    let operations = bySubgraph.get(subgraph);
    if (!operations) bySubgraph.set(subgraph, (operations = new Map()));
    const known = operations.get(query);
    if (known) return known;
    if (operations.size >= options.maxOperationsPerSubgraph) {
      untracked++;
      return null;
    }
    const state: OperationState = {
      document: queryDocument(query),
      key: createHash('sha256').update(query).digest('hex'),
      lastSampledAt: Number.NEGATIVE_INFINITY,
      // Replicas start at different slots, so two of them do not overwrite each other's first samples.
      nextSlot: Math.floor(Math.random() * options.perOperation),
    };
    operations.set(query, state);
    return state;
  }

  return {
    get untrackedOperations() {
      return untracked;
    },
    sampleExchange({ subgraph, request, context }) {
      if (!request.query) return;
      const state = stateOf(subgraph, request.query);
      if (!state?.document) return;
      const at = now();
      if (at - state.lastSampledAt < options.sampleIntervalMs) return;
      state.lastSampledAt = at;
      const slot = state.nextSlot;
      state.nextSlot = (slot + 1) % options.perOperation;

      const masked = maskRequest(state.document, request.variables, sensitivityNow());
      deps.samples
        .write(
          {
            subgraph,
            key: state.key,
            document: masked.document,
            operationName: request.operationName ?? null,
          },
          slot,
          {
            at: new Date(at).toISOString(),
            variables: masked.variables,
            identity: callerIdentityOf(context?.consumer ?? null),
            correlationId: context?.correlationId ?? null,
            masked: masked.masked,
          },
        )
        .catch((error: unknown) => deps.onWriteError?.(error));
    },
  };
}

/** The parsed document when it is one query operation; null otherwise (never sampled). */
function queryDocument(query: string): DocumentNode | null {
  let document: DocumentNode;
  try {
    document = parse(query);
  } catch {
    return null;
  }
  const operations = document.definitions.filter(
    (definition) => definition.kind === Kind.OPERATION_DEFINITION,
  );
  return operations.length === 1 && operations[0].operation === 'query' ? document : null;
}
