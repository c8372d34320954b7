import { type Agent, fetch as undiciFetch } from 'undici';
import { IDENTITY_HEADER, signIdentity } from '@switchyard/kit';
import { callerIdentityOf } from './subgraph-client';

/** Asks each subgraph for `{ __typename }` as the gateway's service identity (signed for it); the names of those that did not answer in time. */
export async function unreachableSubgraphs(
  urls: Record<string, string>,
  agent: Agent,
  identitySecret: string,
  timeoutMs = 2_000,
): Promise<string[]> {
  const checks = Object.entries(urls).map(async ([name, url]) => {
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
      return response.ok ? null : name;
    } catch {
      return name;
    }
  });
  return (await Promise.all(checks)).filter((name): name is string => name !== null);
}
