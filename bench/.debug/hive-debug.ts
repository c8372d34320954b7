import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { composeSupergraph } from '@switchyard/gateway/src/supergraph-config';
import { generateDataset } from '@switchyard/seed';
import { seedDatabases } from '../../scripts/seed-databases';
import { SUBGRAPH_NAMES } from '../../scripts/subgraphs';
import { startSubgraphSet, writeRecordedData } from '../src/subgraphs/subgraph-set';
import { sdlFileOf } from '../src/subgraphs/subgraph-files';
import { cleanEnv, freePort, startProcess, waitUntilReady } from '../src/processes';
import { workloadsOf, manifestOf } from '../src/workloads';
import { PEERS, entryOf } from '../src/peers';

const ROOT = path.resolve(__dirname, '..', '..');
async function main() {
  const workDir = mkdtempSync(path.join(tmpdir(), 'hive-debug-'));
  const dataDir = path.join(workDir, 'data');
  const dataset = generateDataset({ seed: 42, scale: 1 });
  await seedDatabases({ dataDir, seed: 42, scale: 1 });
  const [w1] = workloadsOf(dataset, { order: 60, orders50: 4, persisted: 10 });
  const manifestFile = path.join(workDir, 'm.json');
  writeFileSync(manifestFile, JSON.stringify(manifestOf([])));
  const real = await startSubgraphSet('real', { root: ROOT, workDir, dataDir, cpus: null });
  const sgFile = (urls: Record<string, string>, kind: string) => {
    const f = path.join(workDir, `sg.${kind}.graphql`);
    writeFileSync(f, composeSupergraph(SUBGRAPH_NAMES.map((name) => ({ name, url: urls[name], sdl: readFileSync(sdlFileOf(workDir, name), 'utf8') }))));
    return f;
  };
  const start = async (peerName: string, urls: Record<string, string>, kind: string) => {
    const peer = PEERS.find((p) => p.name === peerName)!;
    const port = await freePort();
    const ctx = { root: ROOT, supergraphFile: sgFile(urls, kind), manifestFile, subgraphUrls: urls };
    const proc = startProcess(peer.name, { entry: entryOf(peer, ctx), env: cleanEnv({ ...peer.env(ctx), PORT: String(port) }), cpus: null, cwd: ROOT });
    const url = `http://127.0.0.1:${port}/graphql`;
    await waitUntilReady(proc, async () => (await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{__typename}"}' })).status === 200);
    return { proc, url };
  };
  const post = (url: string, body: string) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...w1.headers }, body }).then((r) => r.text());
  const apollo = await start('apollo-gateway', real.urls, 'real');
  await real.startRecording();
  for (const body of w1.bodies) await post(apollo.url, body);
  writeRecordedData(workDir, await real.stopRecording());
  await apollo.proc.stop();
  await real.close();
  const memory = await startSubgraphSet('memory', { root: ROOT, workDir, dataDir, cpus: null });
  const hive = await start('hive-gateway', memory.urls, 'memory');
  await memory.startRecording();
  let bad = 0;
  await Promise.all(Array.from({ length: 16 }, async (_, k) => {
    for (let i = k; i < 600; i += 16) {
      const text = await post(hive.url, w1.bodies[i % w1.bodies.length]);
      if (text.includes('"errors"')) bad++;
    }
  }));
  const exchanges = await memory.stopRecording();
  console.log('bad', bad);
  for (const [name, list] of Object.entries(exchanges)) {
    const nulls = list.filter((e) => e.payload.includes('null') || e.payload.includes('"errors"'));
    console.log(name, list.length, 'with null/errors', nulls.length);
    if (name === 'catalog') {
      for (const e of nulls.slice(0, 2)) console.log(JSON.stringify(e.body).slice(0, 1500), '\n=>', e.payload.slice(0, 800));
      console.log('SAMPLE OK', JSON.stringify(list[0].body).slice(0, 1500));
    }
  }
  await hive.proc.stop();
  await memory.close();
}
main().then(() => process.exit(0), (e) => { console.error(e); process.exit(1); });
