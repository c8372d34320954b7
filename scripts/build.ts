/**
 * `npm run build`: each service's entry compiled to one JavaScript file that plain `node` runs, no tsx:
 * `gateway/dist/main.js`, `registry/dist/main.js`, `subgraphs/<name>/dist/main.js`, and
 * `scripts/dist/seed.js` (the seed job).
 *
 * esbuild bundles Switchyard's own workspace packages into each entry (they are TypeScript sources,
 * `main: src/index.ts`, which Node cannot load) and leaves every third-party package external, so a
 * production install (`npm ci --omit=dev`) provides them and nothing else is needed at runtime. Each
 * file keeps its folder's depth (`<package>/dist/`), so paths resolved from `__dirname` (the gateway's
 * repository root, the default supergraph.yaml) point where they did from `src/`.
 * Type checking stays `npm run typecheck`'s job; this only transpiles.
 */
import path from 'node:path';
import { build, type Plugin } from 'esbuild';
import { SUBGRAPH_NAMES } from './subgraphs';

const root = path.resolve(__dirname, '..');

/** Entry → output, relative to the repository root. */
const BUILD_ENTRIES: Record<string, string> = {
  'gateway/src/main.ts': 'gateway/dist/main.js',
  'registry/src/main.ts': 'registry/dist/main.js',
  ...Object.fromEntries(
    SUBGRAPH_NAMES.map((name) => [
      `subgraphs/${name}/src/main.ts`,
      `subgraphs/${name}/dist/main.js`,
    ]),
  ),
  'scripts/seed.ts': 'scripts/dist/seed.js',
};

/** Bare imports stay `require()`s, but Switchyard's own packages, which are bundled. */
const thirdPartyExternal: Plugin = {
  name: 'third-party-external',
  setup(builder) {
    builder.onResolve({ filter: /^[^./]/ }, ({ path: specifier }) =>
      specifier.startsWith('@switchyard/') ? undefined : { path: specifier, external: true },
    );
  },
};

async function main() {
  const started = Date.now();
  await Promise.all(
    Object.entries(BUILD_ENTRIES).map(([entry, outfile]) =>
      build({
        entryPoints: [path.join(root, entry)],
        outfile: path.join(root, outfile),
        bundle: true,
        platform: 'node',
        target: 'node20',
        format: 'cjs',
        // Stack traces name the TypeScript source under `node --enable-source-maps`.
        sourcemap: true,
        plugins: [thirdPartyExternal],
        logLevel: 'warning',
      }),
    ),
  );
  console.log(`built ${Object.values(BUILD_ENTRIES).join(', ')} in ${Date.now() - started} ms`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
