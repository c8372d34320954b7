/** One Jest run for the whole monorepo; TypeScript is transpiled by SWC (type checking is `npm run typecheck`). */
const fs = require('node:fs');
const path = require('node:path');

/**
 * Packages published as ES modules: Jest on Node 20 cannot `require` them, so SWC transpiles
 * them to CommonJS like our own sources. Found by their package.json, so new ones need no edit here.
 */
function esmPackages(root = path.join(__dirname, 'node_modules')) {
  const names = [];
  for (const entry of fs.readdirSync(root)) {
    const dirs = entry.startsWith('@')
      ? fs.readdirSync(path.join(root, entry)).map((n) => `${entry}/${n}`)
      : [entry];
    for (const name of dirs) {
      try {
        if (
          JSON.parse(fs.readFileSync(path.join(root, name, 'package.json'), 'utf8')).type ===
          'module'
        )
          names.push(name);
      } catch {
        // not a package folder
      }
    }
  }
  return names.map((n) => n.replace(/[.+]/g, '\\$&'));
}
const esmOnly = esmPackages();

module.exports = {
  testEnvironment: 'node',
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      { jsc: { target: 'es2022', parser: { syntax: 'typescript' } }, module: { type: 'commonjs' } },
    ],
    // ESM-only dependencies (Node 20's Jest cannot require them) are transpiled to CommonJS too.
    '^.+\\.m?js$': ['@swc/jest', { jsc: { target: 'es2022' }, module: { type: 'commonjs' } }],
  },
  transformIgnorePatterns: [`/node_modules/(?!(${esmOnly.join('|')})/)`],
  testMatch: ['<rootDir>/{subgraphs,gateway,registry,console,test}/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/.data/'],
  testTimeout: 60000,
  maxWorkers: 2,
};
