import { Agent, fetch as undiciFetch } from 'undici';

/** Asks each subgraph for `{ __typename }`; the names of those that did not answer in time. */
export async function unreachableSubgraphs(urls: Record<string, string>, agent: Agent, timeoutMs = 2_000): Promise<string[]> {
  const checks = Object.entries(urls).map(async ([name, url]) => {
    try {
      const response = await undiciFetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
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
