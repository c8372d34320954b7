import { type Agent, fetch as undiciFetch } from 'undici';
import { IDENTITY_HEADER, signIdentity } from '@switchyard/kit';
import { callerIdentityOf } from './subgraph-client';
import type { CircuitSnapshot } from './subgraph-health/circuit-breaker';
import type { SubgraphHealth } from './subgraph-health/subgraph-health';

/** One subgraph as /readyz reports it: whether it answered the probe now, and its circuit. */
export interface SubgraphReadiness {
  reachable: boolean;
  circuit: CircuitSnapshot;
}

/**
 * What /readyz answers. `ready`: every subgraph answered; `degraded`: some did not, and the gateway
 * keeps serving (their fields are null with SUBGRAPH_UNAVAILABLE/SUBGRAPH_TIMEOUT), so it stays in
 * its load balancer (200); `unavailable`: none answered, nothing can be served (503).
 */
export interface Readiness {
  status: 'ready' | 'degraded' | 'unavailable';
  /** The subgraphs that did not answer, by name. */
  unreachable: string[];
  subgraphs: Record<string, SubgraphReadiness>;
}

/** Asks each subgraph for `{ __typename }` as the gateway's service identity (signed for it), beside its circuit's state. */
export async function readinessOf(
  urls: Record<string, string>,
  agent: Agent,
  identitySecret: string,
  health: SubgraphHealth,
  timeoutMs = 2_000,
): Promise<Readiness> {
  const names = Object.keys(urls);
  const reachable = await Promise.all(
    names.map((name) => answers(name, urls[name], agent, identitySecret, timeoutMs)),
  );
  const subgraphs: Record<string, SubgraphReadiness> = {};
  names.forEach((name, index) => {
    subgraphs[name] = {
      reachable: reachable[index],
      circuit: health.circuitOf(name).snapshot(),
    };
  });
  const unreachable = names.filter((_name, index) => !reachable[index]);
  const status =
    unreachable.length === 0
      ? 'ready'
      : unreachable.length === names.length
        ? 'unavailable'
        : 'degraded';
  return { status, unreachable, subgraphs };
}

async function answers(
  name: string,
  url: string,
  agent: Agent,
  identitySecret: string,
  timeoutMs: number,
): Promise<boolean> {
  const identity = signIdentity({ ...callerIdentityOf(null), aud: name }, identitySecret);
  try {
    const response = await undiciFetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [IDENTITY_HEADER]: identity },
      body: '{"query":"{ __typename }"}',
      dispatcher: agent,
      signal: AbortSignal.timeout(timeoutMs),
    });
    await response.arrayBuffer();
    return response.ok;
  } catch {
    return false;
  }
}
