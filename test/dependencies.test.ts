import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { checkDependencies } from '../scripts/check-dependencies';

const REPO_ROOT = path.resolve(__dirname, '..');

test('every package of the repository declares what its source imports, and nothing more', () => {
  expect(checkDependencies(REPO_ROOT).map((problem) => problem.message)).toEqual([]);
});

describe('the dependency check on a small tree', () => {
  let root: string;
  const write = (file: string, text: string) => {
    fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    fs.writeFileSync(path.join(root, file), text);
  };
  const manifest = (file: string, fields: object) => write(file, JSON.stringify(fields));
  const problems = () =>
    checkDependencies(root).map(({ file, dependency, message }) => ({
      file,
      dependency,
      message,
    }));

  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'dependency-check-'));
    manifest('package.json', { name: 'root', workspaces: ['packages/*'] });
    manifest('packages/app/package.json', {
      name: '@example/app',
      main: 'src/index.ts',
      dependencies: { graphql: '16' },
      devDependencies: { kysely: '0.28' },
    });
    write(
      'packages/app/src/index.ts',
      "import { parse } from 'graphql';\nexport const p = parse;\n",
    );
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  test('flags undeclared imports of every form, and names the file', () => {
    write(
      'packages/app/src/index.ts',
      [
        "import { parse } from 'graphql';",
        "import type { Redis } from 'ioredis';",
        "export { z } from 'zod';",
        "const yaml = require('yaml');",
        "export const load = () => import('pino');",
        "export type Pool = import('pg').Pool;",
        "import fs from 'node:fs';",
        "import path from 'path';",
        '// import nothing from "in-a-comment";',
        'export const text = "import x from \'in-a-string\'";',
        'export { parse, yaml, fs, path, type Redis };',
      ].join('\n'),
    );
    write('packages/app/src/index.test.ts', "import { Kysely } from 'kysely';\nvoid Kysely;\n");
    expect(
      problems()
        .filter((p) => p.file)
        .map((p) => p.dependency),
    ).toEqual(['ioredis', 'zod', 'yaml', 'pino', 'pg']);
    expect(problems()[0]).toEqual({
      file: 'packages/app/src/index.ts',
      dependency: 'ioredis',
      message: 'imports "ioredis" but packages/app/package.json does not declare ioredis',
    });
  });

  test('a runtime import needs dependencies; a test and its fixtures may use devDependencies', () => {
    write(
      'packages/app/src/fixture.ts',
      "import { Kysely } from 'kysely';\nexport const k = Kysely;\n",
    );
    write('packages/app/src/index.test.ts', "import { k } from './fixture';\nvoid k;\n");
    expect(problems()).toEqual([]);
    write(
      'packages/app/src/store.ts',
      "import { Kysely } from 'kysely';\nexport const k = Kysely;\n",
    );
    write(
      'packages/app/src/index.ts',
      "import { parse } from 'graphql';\nimport { k } from './store';\nexport const p = [parse, k];\n",
    );
    expect(problems().map((p) => p.message)).toEqual([
      'imports "kysely" at runtime but kysely is only a devDependency of packages/app',
    ]);
  });

  test('flags declared packages nothing imports, and runtime dependencies only tests import', () => {
    manifest('packages/app/package.json', {
      name: '@example/app',
      main: 'src/index.ts',
      dependencies: { graphql: '16', dataloader: '2', zod: '4' },
      devDependencies: { kysely: '0.28' },
    });
    write('packages/app/src/index.test.ts', "import { z } from 'zod';\nvoid z;\n");
    expect(problems().map((p) => p.message)).toEqual([
      'declares dataloader but nothing in packages/app imports it',
      'declares zod in dependencies but only tests import it (a devDependency)',
      'declares kysely but nothing in packages/app imports it',
    ]);
  });

  test('refuses a computed import, which neither the check nor a bundler can follow', () => {
    write(
      'packages/app/src/index.ts',
      "import { parse } from 'graphql';\nexport const load = (name: string) => import(`@example/${name}`);\nexport const p = parse;\n",
    );
    expect(problems().map((p) => p.message)).toContain(
      'import(`@example/${name}`): name the module literally, so this check and the bundler see it',
    );
  });
});
