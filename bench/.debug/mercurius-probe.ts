import { buildFederationSchema } from '@mercuriusjs/federation';
import { openSubgraph, signIdentity, DEVELOPMENT_IDENTITY_SECRET } from '@switchyard/kit';
import { loadSubgraphDefinition, SUBGRAPH_NAMES } from '../../scripts/subgraphs';

async function main() {
  const identity = signIdentity({ id: 'service:probe', kind: 'service', scopes: [], tenant: null }, DEVELOPMENT_IDENTITY_SECRET);
  for (const name of SUBGRAPH_NAMES) {
    const subgraph = await openSubgraph(await loadSubgraphDefinition(name), { dataDir: ':memory:' });
    const response = await subgraph.server.inject({ method: 'POST', url: '/graphql', headers: { 'content-type': 'application/json', 'x-switchyard-identity': identity }, payload: { query: '{ _service { sdl } }' } });
    let sdl = (response.json() as any).data._service.sdl as string;
    await subgraph.close();
    const removed: string[] = [];
    for (let i = 0; i < 30; i++) {
      try {
        buildFederationSchema(sdl);
        console.log(name, 'builds after removing', removed.join(', ') || 'nothing');
        break;
      } catch (error) {
        const message = (error as Error).message;
        const details = ((error as any).errors ?? []).map((e: Error) => e.message);
        const all = [message, ...details].join(' | ');
        const match = all.match(/Unknown directive "@(\w+)"/);
        if (!match) { console.log(name, 'fails:', all.slice(0, 600), '| removed so far:', removed.join(', ')); break; }
        removed.push('@' + match[1]);
        sdl = sdl.replace(new RegExp(`@${match[1]}(\\((?:[^()]|\\([^()]*\\))*\\))?`, 'g'), '');
      }
    }
  }
}
main().then(() => process.exit(0));
