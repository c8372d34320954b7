import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readCachedSupergraph, writeCachedSupergraph } from './supergraph-cache-file';

const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'switchyard-cache-'));
afterAll(() => fs.rmSync(folder, { recursive: true, force: true }));

test('no copy: null; a written copy reads back with its version and ETag, the folder created', async () => {
  const file = path.join(folder, 'a', 'b', 'supergraph.graphql');
  expect(await readCachedSupergraph(file)).toBeNull();
  await writeCachedSupergraph(file, { sdl: 'schema { query: Q }', version: 7, etag: '"7-abc"' });
  expect(await readCachedSupergraph(file)).toEqual({
    sdl: 'schema { query: Q }',
    version: 7,
    etag: '"7-abc"',
  });
  expect(fs.readdirSync(path.dirname(file)).sort()).toEqual([
    'supergraph.graphql',
    'supergraph.graphql.json',
  ]);
});

test('a record that does not match the SDL beside it is ignored: the SDL is of an unknown version', async () => {
  const file = path.join(folder, 'torn', 'supergraph.graphql');
  await writeCachedSupergraph(file, { sdl: 'old', version: 1, etag: '"1-x"' });
  fs.writeFileSync(file, 'new');
  expect(await readCachedSupergraph(file)).toEqual({ sdl: 'new', version: null, etag: null });
  fs.writeFileSync(`${file}.json`, '{not json');
  expect(await readCachedSupergraph(file)).toEqual({ sdl: 'new', version: null, etag: null });
});
