/**
 * Reads a V8 CPU profile (`node --cpu-prof`) and says where the time went: the functions with the
 * most self time, and self time by package (a node_modules package, Node's internals, the repo's
 * own folders), idle time left out of the shares. `npx tsx bench/src/profile-summary.ts FILE [N]`
 * prints the summary of a profile kept from an earlier run.
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface SelfTime {
  name: string;
  ms: number;
  share: number;
}

export interface ProfileSummary {
  busyMs: number;
  idleMs: number;
  functions: SelfTime[];
  packages: SelfTime[];
}

export function summarizeProfile(file: string, top = 25): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const byFunction = new Map<string, number>();
  const byPackage = new Map<string, number>();
  let idleMs = 0;
  let busyMs = 0;
  profile.samples.forEach((id, index) => {
    const ms = (profile.timeDeltas[index] ?? 0) / 1000;
    const frame = nodes.get(id)!.callFrame;
    if (frame.functionName === '(idle)') {
      idleMs += ms;
      return;
    }
    busyMs += ms;
    const where = frame.url ? `${shortUrl(frame.url)}:${frame.lineNumber + 1}` : '';
    const name = `${frame.functionName || '(anonymous)'}${where ? ` ${where}` : ''}`;
    byFunction.set(name, (byFunction.get(name) ?? 0) + ms);
    const pkg = packageOf(frame);
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + ms);
  });
  const ranked = (map: Map<string, number>, n: number) =>
    [...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([name, ms]) => ({ name, ms, share: ms / busyMs }));
  return { busyMs, idleMs, functions: ranked(byFunction, top), packages: ranked(byPackage, 15) };
}

export function renderProfileSummary(file: string, summary: ProfileSummary): string {
  const lines = [`Profile ${file}: ${(summary.busyMs / 1000).toFixed(1)}s busy, ${(summary.idleMs / 1000).toFixed(1)}s idle.`, '', 'Self time by package:', ''];
  lines.push('| package | self ms | share |', '|---|---:|---:|');
  for (const p of summary.packages) lines.push(`| ${p.name} | ${p.ms.toFixed(0)} | ${(p.share * 100).toFixed(1)}% |`);
  lines.push('', 'Top functions by self time:', '', '| function | self ms | share |', '|---|---:|---:|');
  for (const f of summary.functions) lines.push(`| ${f.name.replace(/\|/g, '\\|')} | ${f.ms.toFixed(0)} | ${(f.share * 100).toFixed(1)}% |`);
  return lines.join('\n');
}

function shortUrl(url: string): string {
  const modules = url.lastIndexOf('node_modules/');
  if (modules >= 0) return url.slice(modules + 'node_modules/'.length);
  return url.replace(/^file:\/\//, '').replace(/^.*\/(?=(gateway|subgraphs|bench|scripts)\/)/, '');
}

function packageOf(frame: ProfileNode['callFrame']): string {
  const { url, functionName } = frame;
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  if (url.startsWith('node:')) return 'node: internals';
  const modules = url.lastIndexOf('node_modules/');
  if (modules >= 0) {
    const parts = url.slice(modules + 'node_modules/'.length).split('/');
    return parts[0].startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0];
  }
  const own = url.match(/\/(gateway|subgraphs\/[^/]+|bench|scripts)\/src\//);
  return own ? `switchyard ${own[1]}` : url;
}

if (require.main === module) {
  const [file, top] = process.argv.slice(2);
  if (!file) {
    console.error('usage: tsx bench/src/profile-summary.ts FILE.cpuprofile [TOP]');
    process.exit(2);
  }
  console.log(renderProfileSummary(file, summarizeProfile(file, Number(top ?? 25))));
}
