/**
 * `npm run check:dependencies`: every package of the tree declares what its source imports.
 *
 * For each package (the root's workspaces, the root itself and bench/, which installs on its own),
 * every bare specifier its files name (static `import`/`export … from`, `import x = require()`,
 * dynamic `import()`, `require()`, `require.resolve()`, `import('x')` types) must be a Node builtin,
 * the package itself, or declared in its package.json:
 * - a value import from a runtime file needs `dependencies` (or `peerDependencies`: bench's
 *   packages provided by the root install), since a production install omits devDependencies;
 * - a type import, or any import from a test file, may be declared in devDependencies instead.
 * Runtime files are those the package's entries reach: `main`, `exports` (but a `testing` entry), and
 * files nothing imports (commands such as main.ts), but tests and a bundler's config (vite.config.ts,
 * build time only); test files are `*.test.ts` and what only they reach (fixtures), whatever their
 * name; `.tsx` files count as sources (the console's). Declared packages nothing imports are flagged too,
 * and a `dependencies` entry only tests use (a devDependency), except at the root, whose packages
 * are tooling run as commands. Imports are read with the TypeScript parser, so text in comments and
 * strings never counts; a computed `import(name)` is refused, as neither this check nor a bundler
 * can follow it.
 */
import fs from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import ts from 'typescript';

export interface DependencyProblem {
  /** The package.json's folder, relative to the root ('.' for the root). */
  packageDir: string;
  /** The file that imports it, relative to the root; absent for an unused declaration. */
  file?: string;
  dependency: string;
  message: string;
}

interface PackageJson {
  name: string;
  workspaces?: string[];
  main?: string;
  exports?: string | Record<string, string>;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
}

interface ImportSite {
  specifier: string;
  typeOnly: boolean;
  /** `import(name)` with a non-literal argument: its package cannot be known without running it. */
  computed?: boolean;
}

interface SourceFile {
  file: string;
  imports: ImportSite[];
  /** Relative imports, resolved to absolute paths of files in the same package. */
  localImports: string[];
}

const SOURCE_EXTENSIONS = ['.ts', '.tsx', '.mts', '.cts', '.js', '.mjs', '.cjs'];
const SKIPPED_FOLDERS = new Set([
  'node_modules',
  'dist',
  '.data',
  '.turbo',
  'coverage',
  'profiles',
]);
const TEST_FILE = /\.test\.[cm]?[jt]s$/;
/** A bundler's config (console/vite.config.ts) runs at build time only: its imports may be devDependencies. */
const BUILD_CONFIG = /(^|\/)vite\.config\.[cm]?[jt]s$/;
/** An `exports` entry for other packages' tests (`@switchyard/kit/testing`). */
const TEST_ENTRY = /(^|\/)testing$/;
/** Packages installed apart from the root's workspaces, with their own lockfile. */
const STANDALONE_PACKAGES = ['bench'];

/** Finds every dependency problem in the tree under `root`. */
export function checkDependencies(root: string): DependencyProblem[] {
  const rootManifest = readManifest(root);
  const packageDirs = [
    root,
    ...(rootManifest.workspaces ?? []).flatMap((pattern) => expandWorkspace(root, pattern)),
    ...STANDALONE_PACKAGES.map((dir) => path.join(root, dir)).filter((dir) =>
      fs.existsSync(path.join(dir, 'package.json')),
    ),
  ];
  return packageDirs.flatMap((dir) =>
    checkPackage(root, dir, readManifest(dir), {
      files: sourceFilesOf(dir, new Set(packageDirs.filter((other) => other !== dir))),
      tooling: dir === root,
    }),
  );
}

function checkPackage(
  root: string,
  dir: string,
  manifest: PackageJson,
  options: { files: string[]; tooling: boolean },
): DependencyProblem[] {
  const packageDir = path.relative(root, dir) || '.';
  const sources = options.files.map(readSource);
  const runtimeFiles = options.tooling ? new Set<string>() : runtimeFilesOf(dir, manifest, sources);
  const runtime = { ...manifest.dependencies, ...manifest.peerDependencies };
  const declared = {
    ...runtime,
    ...manifest.devDependencies,
    ...manifest.optionalDependencies,
  };
  const problems: DependencyProblem[] = [];
  /** By runtime files (values or types): what `dependencies` may hold. */
  const usedAtRuntime = new Set<string>();
  const used = new Set<string>();

  for (const source of sources) {
    const file = path.relative(root, source.file);
    for (const { specifier, typeOnly, computed } of source.imports) {
      if (computed) {
        problems.push({
          packageDir,
          file,
          dependency: specifier,
          message: `${specifier}: name the module literally, so this check and the bundler see it`,
        });
        continue;
      }
      const dependency = packageNameOf(specifier);
      if (dependency === null || dependency === manifest.name) continue;
      const runtimeFile = runtimeFiles.has(source.file);
      used.add(dependency);
      if (runtimeFile) usedAtRuntime.add(dependency);
      if (!(dependency in declared)) {
        problems.push({
          packageDir,
          file,
          dependency,
          message: `imports "${specifier}" but ${packageDir}/package.json does not declare ${dependency}`,
        });
      } else if (runtimeFile && !typeOnly && !(dependency in runtime)) {
        problems.push({
          packageDir,
          file,
          dependency,
          message: `imports "${specifier}" at runtime but ${dependency} is only a devDependency of ${packageDir}`,
        });
      }
    }
  }
  if (options.tooling) return problems;

  const usesTypesOf = (dependency: string) =>
    dependency.startsWith('@types/') && used.has(typedPackageOf(dependency));
  for (const dependency of Object.keys(runtime)) {
    if (usedAtRuntime.has(dependency)) continue;
    problems.push({
      packageDir,
      dependency,
      message: used.has(dependency)
        ? `declares ${dependency} in dependencies but only tests import it (a devDependency)`
        : `declares ${dependency} but nothing in ${packageDir} imports it`,
    });
  }
  for (const dependency of Object.keys({
    ...manifest.devDependencies,
    ...manifest.optionalDependencies,
  })) {
    if (used.has(dependency) || usesTypesOf(dependency)) continue;
    problems.push({
      packageDir,
      dependency,
      message: `declares ${dependency} but nothing in ${packageDir} imports it`,
    });
  }
  return problems;
}

/** What the package's entries reach through relative imports, tests and their fixtures left out. */
function runtimeFilesOf(dir: string, manifest: PackageJson, sources: SourceFile[]): Set<string> {
  const byFile = new Map(sources.map((source) => [source.file, source]));
  const imported = new Set(sources.flatMap((source) => source.localImports));
  const exported =
    typeof manifest.exports === 'string' ? { '.': manifest.exports } : manifest.exports;
  const testEntries = new Set(
    Object.entries(exported ?? {})
      .filter(([key]) => TEST_ENTRY.test(key))
      .map(([, file]) => path.resolve(dir, file)),
  );
  const entries = [
    ...[manifest.main, ...Object.values(exported ?? {})]
      .filter((file): file is string => file !== undefined)
      .map((file) => path.resolve(dir, file)),
    ...sources.map((source) => source.file).filter((file) => !imported.has(file)),
  ].filter(
    (file) =>
      byFile.has(file) &&
      !TEST_FILE.test(file) &&
      !BUILD_CONFIG.test(file) &&
      !testEntries.has(file),
  );
  const runtime = new Set(entries);
  const pending = [...entries];
  while (pending.length > 0) {
    for (const next of byFile.get(pending.pop()!)?.localImports ?? []) {
      if (runtime.has(next) || TEST_FILE.test(next) || testEntries.has(next)) continue;
      runtime.add(next);
      pending.push(next);
    }
  }
  return runtime;
}

function readSource(file: string): SourceFile {
  const text = fs.readFileSync(file, 'utf8');
  const sourceFile = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const imports: ImportSite[] = [];
  const visit = (node: ts.Node): void => {
    const site = importSiteOf(node);
    if (site) imports.push(site);
    ts.forEachChild(node, visit);
  };
  visit(sourceFile);
  const localImports = imports
    .filter(({ specifier }) => specifier.startsWith('.'))
    .map(({ specifier }) => resolveLocal(path.dirname(file), specifier))
    .filter((resolved): resolved is string => resolved !== null);
  return { file, imports, localImports };
}

function importSiteOf(node: ts.Node): ImportSite | null {
  if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
    const clause = node.importClause;
    const typeOnly =
      clause !== undefined &&
      (clause.isTypeOnly ||
        (clause.name === undefined &&
          clause.namedBindings !== undefined &&
          ts.isNamedImports(clause.namedBindings) &&
          clause.namedBindings.elements.length > 0 &&
          clause.namedBindings.elements.every((element) => element.isTypeOnly)));
    return { specifier: node.moduleSpecifier.text, typeOnly };
  }
  if (ts.isExportDeclaration(node) && node.moduleSpecifier) {
    if (!ts.isStringLiteral(node.moduleSpecifier)) return null;
    const clause = node.exportClause;
    const typeOnly =
      node.isTypeOnly ||
      (clause !== undefined &&
        ts.isNamedExports(clause) &&
        clause.elements.length > 0 &&
        clause.elements.every((element) => element.isTypeOnly));
    return { specifier: node.moduleSpecifier.text, typeOnly };
  }
  if (
    ts.isImportEqualsDeclaration(node) &&
    ts.isExternalModuleReference(node.moduleReference) &&
    ts.isStringLiteral(node.moduleReference.expression)
  ) {
    return { specifier: node.moduleReference.expression.text, typeOnly: node.isTypeOnly };
  }
  if (ts.isImportTypeNode(node)) {
    const argument = node.argument;
    if (ts.isLiteralTypeNode(argument) && ts.isStringLiteral(argument.literal))
      return { specifier: argument.literal.text, typeOnly: true };
    return null;
  }
  if (ts.isCallExpression(node) && isModuleCall(node.expression)) {
    const [argument] = node.arguments;
    if (argument && ts.isStringLiteralLike(argument))
      return { specifier: argument.text, typeOnly: false };
    // A computed specifier hides its package from this check and from the bundler: refused.
    return { specifier: node.getText(), typeOnly: false, computed: true };
  }
  return null;
}

/** `import(…)`, `require(…)`, `require.resolve(…)`. */
function isModuleCall(callee: ts.Expression): boolean {
  if (callee.kind === ts.SyntaxKind.ImportKeyword) return true;
  if (ts.isIdentifier(callee)) return callee.text === 'require';
  return (
    ts.isPropertyAccessExpression(callee) &&
    ts.isIdentifier(callee.expression) &&
    callee.expression.text === 'require' &&
    callee.name.text === 'resolve'
  );
}

const BUILTINS = new Set(builtinModules);

/** The package a bare specifier names; null for relative paths and Node builtins. */
function packageNameOf(specifier: string): string | null {
  if (specifier.startsWith('.') || specifier.startsWith('/')) return null;
  if (specifier.startsWith('node:') || BUILTINS.has(specifier.split('/')[0])) return null;
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/** `@types/node` → `node`, `@types/babel__core` → `@babel/core`. */
function typedPackageOf(typesPackage: string): string {
  const name = typesPackage.slice('@types/'.length);
  return name.includes('__') ? `@${name.replace('__', '/')}` : name;
}

function resolveLocal(fromDir: string, specifier: string): string | null {
  const base = path.resolve(fromDir, specifier);
  const candidates = [
    base,
    ...SOURCE_EXTENSIONS.map((extension) => base + extension),
    ...SOURCE_EXTENSIONS.map((extension) => path.join(base, `index${extension}`)),
  ];
  return (
    candidates.find((candidate) => fs.statSync(candidate, { throwIfNoEntry: false })?.isFile()) ??
    null
  );
}

/** The package's source files, leaving out nested packages, installs and build output. */
function sourceFilesOf(dir: string, otherPackages: Set<string>): string[] {
  const files: string[] = [];
  const walk = (current: string) => {
    for (const entry of fs.readdirSync(current, { withFileTypes: true })) {
      const full = path.join(current, entry.name);
      if (entry.isDirectory()) {
        if (
          !SKIPPED_FOLDERS.has(entry.name) &&
          !entry.name.startsWith('.') &&
          !otherPackages.has(full)
        )
          walk(full);
      } else if (
        SOURCE_EXTENSIONS.includes(path.extname(entry.name)) &&
        !entry.name.endsWith('.d.ts')
      ) {
        files.push(full);
      }
    }
  };
  walk(dir);
  return files.sort();
}

function expandWorkspace(root: string, pattern: string): string[] {
  if (!pattern.endsWith('/*')) return [path.join(root, pattern)];
  const parent = path.join(root, pattern.slice(0, -2));
  return fs
    .readdirSync(parent, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => path.join(parent, entry.name))
    .filter((dir) => fs.existsSync(path.join(dir, 'package.json')));
}

function readManifest(dir: string): PackageJson {
  return JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as PackageJson;
}

if (require.main === module) {
  const problems = checkDependencies(path.resolve(__dirname, '..'));
  for (const problem of problems)
    console.error(`${problem.file ?? `${problem.packageDir}/package.json`}: ${problem.message}`);
  if (problems.length > 0) process.exit(1);
  console.log('every package declares what it imports');
}
