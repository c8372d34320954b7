/**
 * Why the Mercurius gateway cannot serve Switchyard's subgraphs (bench/README.md): reads each
 * subgraph's `_service { sdl }` (what @mercuriusjs/gateway fetches) and builds it with
 * @mercuriusjs/federation, as the gateway does, removing each directive it does not know in turn
 * until the SDL builds or fails for another reason. `npx tsx bench/src/peers/mercurius-sdl-probe.ts`
 */
import { buildFederationSchema } from '@mercuriusjs/federation';
import { openSubgraph, signIdentity, DEVELOPMENT_IDENTITY_SECRET } from '@switchyard/kit';
import { loadSubgraphDefinition, SUBGRAPH_NAMES } from '../../../scripts/subgraphs';

async function main() {
  for (const name of SUBGRAPH_NAMES) {
    const identity = signIdentity(
      { id: 'service:probe', kind: 'service', scopes: [], tenant: null, aud: name },
      DEVELOPMENT_IDENTITY_SECRET,
    );
    const subgraph = await openSubgraph(await loadSubgraphDefinition(name), {
      dataDir: ':memory:',
    });
    const response = await subgraph.server.inject({
      method: 'POST',
      url: '/graphql',
      headers: { 'content-type': 'application/json', 'x-switchyard-identity': identity },
      payload: { query: '{ _service { sdl } }' },
    });
    let sdl = (response.json() as { data: { _service: { sdl: string } } }).data._service.sdl;
    await subgraph.close();
    const removed: string[] = [];
    for (let i = 0; i < 30; i++) {
      try {
        buildFederationSchema(sdl);
        console.log(name, 'builds after removing', removed.join(', ') || 'nothing');
        break;
      } catch (error) {
        const message = (error as Error).message;
        const details = ((error as { errors?: Error[] }).errors ?? []).map((e) => e.message);
        const all = [message, ...details].join(' | ');
        const match = all.match(/Unknown directive "@(\w+)"/);
        if (!match) {
          console.log(
            name,
            'fails:',
            all.slice(0, 600),
            '| removed so far:',
            removed.join(', ') || 'nothing',
          );
          break;
        }
        removed.push('@' + match[1]);
        // Drops the directive and its arguments (one level of nested parentheses).
        sdl = sdl.replace(new RegExp(`@${match[1]}(\\((?:[^()]|\\([^()]*\\))*\\))?`, 'g'), '');
      }
    }
  }
}
main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
