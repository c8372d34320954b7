/**
 * Where a check reads what consumers do: their usage of field coordinates, and their registered
 * (trusted) operations. The registry reads both through the gateway's admin API
 * (gateway-admin-source.ts) rather than the governance store: the store may be the gateway's own
 * memory (unreachable from another process), the admin API answers the same for every store kind,
 * and it keeps the store's layout the gateway's own business.
 */
import type { ContractReplayReport } from '@switchyard/gateway/src/governance/traffic-samples/contract-replay';

/** Usage of one coordinate by one consumer's operation, counted over that consumer's window. */
export interface CoordinateUsageRow {
  coordinate: string;
  consumer: string;
  operationId: string;
  operationName: string;
  requests: number;
  /** ms since the epoch: the end of the last time bucket it was seen in, capped at the read's time. */
  lastSeen: number;
}

export interface UsageReading {
  rows: CoordinateUsageRow[];
  /** When usage was being recorded (ms ranges, merged), within the longest window asked for. */
  recorded: { from: number; to: number }[];
  /** How long the gateway keeps usage (its `usage.retentionDays`). */
  retentionDays: number;
  /** The time the reading was made (ms). */
  readAt: number;
}

export interface UsageQuery {
  coordinates: string[];
  /** The window of a consumer not listed (ms). */
  defaultWindowMs: number;
  /** Each consumer's window (ms). */
  windows: Record<string, number>;
}

export interface RegisteredOperationBody {
  id: string;
  name: string;
  type: string;
  body: string;
}

export interface GovernanceSources {
  /**
   * Has the gateway replay the requests it sampled for `subgraph` against the candidate at
   * `endpoint` and the current deployment (contract-replay.ts); throws SourceUnavailableError when
   * it cannot. Absent: the registry reads no gateway, and a check with an endpoint fails.
   */
  replayTraffic?(subgraph: string, endpoint: string): Promise<ContractReplayReport>;
  /** Throws SourceUnavailableError when usage cannot be read (usage off, gateway or store away). */
  usage(query: UsageQuery): Promise<UsageReading>;
  /** The consumer's registered operations with their bodies; throws SourceUnavailableError when they cannot be read. */
  registeredOperations(consumerId: string): Promise<RegisteredOperationBody[]>;
}

/** A source that did not answer, with why, in words for the report. */
export class SourceUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SourceUnavailableError';
  }
}
