/**
 * Run by `npm run bench` before the bench: installs bench/'s own packages (the peer gateways,
 * autocannon) with `npm ci` from bench/package-lock.json when bench/node_modules is missing or older
 * than the manifest or the lockfile, so the root's `npm ci` never installs them. bench/.npmrc says
 * why they are installed apart and how they find Switchyard's packages (the root's node_modules).
 */
import { spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';
import path from 'node:path';

const benchDir = path.resolve(__dirname, '..');
const modified = (file: string) =>
  statSync(path.join(benchDir, file), { throwIfNoEntry: false })?.mtimeMs;

// npm writes node_modules/.package-lock.json at the end of every install of this folder.
const installed = modified('node_modules/.package-lock.json');
const stale =
  installed === undefined ||
  ['package.json', 'package-lock.json'].some((file) => (modified(file) ?? Infinity) > installed);

if (stale) {
  console.error('bench: installing its peer gateways and load generator (npm ci in bench/)');
  // --prefix: under `npm run`, npm_config_local_prefix names the root, which a bare `npm ci` would reinstall.
  const npm = spawnSync('npm', ['ci', '--prefix', benchDir, '--no-audit', '--no-fund'], {
    cwd: benchDir,
    stdio: 'inherit',
  });
  if (npm.status !== 0) process.exit(npm.status ?? 1);
}
