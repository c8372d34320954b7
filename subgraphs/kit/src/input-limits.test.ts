import type { SubgraphContext } from './context';
import { graphql } from 'graphql';
import { DEFAULT_TEXT_LENGTH, LENGTH_DIRECTIVE, withInputLimits } from './input-limits';
import { createSubgraphBuilder } from './schema-builder';
import { createSubgraphServer } from './server';
import { servedSchema, subgraphSdl } from './subgraph';
import { querySubgraph } from './testing';

/**
 * Text input limits on a small schema built with the kit's builder and served by the kit's server:
 * every String and ID argument and input field, at any depth, within its declared `@length` (or the
 * default), and free of control characters and bidi overrides, before any resolver runs.
 */

interface Store {
  /** What the resolvers were handed: nothing when a check refused the request. */
  seen: unknown[];
}

function noteSchema() {
  const { builder } = createSubgraphBuilder<SubgraphContext<Store>>();
  const NoteLine = builder.inputType('NoteLineInput', {
    fields: (t) => ({
      sku: t.string({ required: true, directives: { length: { max: 20 } } }),
      remark: t.string(),
    }),
  });
  const Note = builder.inputType('NoteInput', {
    fields: (t) => ({
      subject: t.string({ required: true, directives: { length: { max: 80 } } }),
      lines: t.field({ type: [NoteLine] }),
    }),
  });
  builder.queryType({
    fields: (t) => ({
      search: t.int({
        args: {
          text: t.arg.string({ directives: { length: { max: 200 } } }),
          ids: t.arg.idList(),
          quantity: t.arg.int(),
        },
        resolve: (_root, args, ctx) => {
          ctx.store.seen.push(args);
          return 0;
        },
      }),
    }),
  });
  builder.mutationType({
    fields: (t) => ({
      addNote: t.boolean({
        args: {
          orderId: t.arg.id({ required: true }),
          note: t.arg({ type: Note, required: true }),
        },
        resolve: (_root, args, ctx) => {
          ctx.store.seen.push(args);
          return true;
        },
      }),
    }),
  });
  return builder.toSubGraphSchema({
    linkUrl: 'https://specs.apollo.dev/federation/v2.9',
    directives: [LENGTH_DIRECTIVE],
  });
}

const schema = noteSchema();
let store: Store;
let server: Awaited<ReturnType<typeof createSubgraphServer>>;

beforeAll(async () => {
  store = { seen: [] };
  server = await createSubgraphServer({ name: 'notes', schema: servedSchema({ schema }), store });
});
afterAll(() => server.close());
beforeEach(() => {
  store.seen = [];
});

const SEARCH = 'query ($text: String, $ids: [ID!]) { search(text: $text, ids: $ids) }';
const ADD_NOTE = 'mutation ($id: ID!, $note: NoteInput!) { addNote(orderId: $id, note: $note) }';
const send = (query: string, variables: Record<string, unknown>) =>
  querySubgraph(server, query, variables);

/** Expects a refusal naming `argument`, and that no resolver was handed anything. */
function expectRefused(
  result: Awaited<ReturnType<typeof send>>,
  argument: string,
  message: RegExp,
) {
  expect(result.status).toBe(200);
  expect(result.errors).toHaveLength(1);
  expect(result.errors![0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', argument } });
  expect(result.errors![0].message).toMatch(message);
  expect(store.seen).toEqual([]);
}

describe('lengths', () => {
  test('a declared limit is printed in the SDL, with the directive and its defaults', () => {
    const sdl = subgraphSdl(schema);
    expect(sdl).toContain(
      'directive @length(max: Int!) on ARGUMENT_DEFINITION | INPUT_FIELD_DEFINITION',
    );
    expect(sdl).toContain(
      'search(text: String @length(max: 200), ids: [ID!], quantity: Int): Int!',
    );
    expect(sdl).toContain('subject: String! @length(max: 80)');
    expect(sdl).toContain(
      `accepts ${DEFAULT_TEXT_LENGTH.String} (String) or ${DEFAULT_TEXT_LENGTH.ID} (ID)`,
    );
  });

  test('an argument within its declared limit passes; one character over is BAD_USER_INPUT naming it', async () => {
    expect((await send(SEARCH, { text: 'x'.repeat(200) })).data).toEqual({ search: 0 });
    store.seen = [];
    expectRefused(
      await send(SEARCH, { text: 'x'.repeat(201) }),
      'text',
      /^text must hold at most 200 characters, got 201$/,
    );
    expectRefused(await send(SEARCH, { text: 'x'.repeat(50_000) }), 'text', /at most 200/);
  });

  test('inline literals are checked as variables are', async () => {
    expectRefused(await send(`{ search(text: "${'%'.repeat(300)}") }`, {}), 'text', /at most 200/);
  });

  test('text that declares no limit gets the default: 1,000 for a String, 100 for an ID (each item of a list)', async () => {
    const note = (fields: Record<string, unknown>) => ({ subject: 'late', ...fields });
    expect(
      (
        await send(ADD_NOTE, {
          id: 'O'.repeat(100),
          note: note({ lines: [{ sku: 'A', remark: 'r'.repeat(1000) }] }),
        })
      ).data,
    ).toEqual({ addNote: true });
    store.seen = [];
    expectRefused(
      await send(ADD_NOTE, { id: 'O'.repeat(101), note: note({}) }),
      'orderId',
      /at most 100/,
    );
    expectRefused(
      await send(ADD_NOTE, {
        id: 'ORD-1',
        note: note({ lines: [{ sku: 'A' }, { sku: 'B', remark: 'r'.repeat(1001) }] }),
      }),
      'note.lines[1].remark',
      /at most 1000/,
    );
    expectRefused(await send(SEARCH, { ids: ['ID-1', 'I'.repeat(101)] }), 'ids[1]', /at most 100/);
  });

  test('limits hold through an input type that refers to itself (checked as deep as the value goes)', async () => {
    // Served by graphql-js: Mercurius's JIT does not compile self-referring input types.
    const { builder } = createSubgraphBuilder<object>();
    const Thread = builder.inputType('ThreadInput', {
      fields: (t) => ({
        subject: t.string({ required: true, directives: { length: { max: 80 } } }),
        reply: t.field({ type: 'ThreadInput' as never }),
      }),
    });
    builder.queryType({
      fields: (t) => ({
        post: t.boolean({ args: { thread: t.arg({ type: Thread }) }, resolve: () => true }),
      }),
    });
    const threads = withInputLimits(builder.toSchema());
    const post = (thread: unknown) =>
      graphql({
        schema: threads,
        source: 'query ($t: ThreadInput) { post(thread: $t) }',
        variableValues: { t: thread },
      });
    expect((await post({ subject: 'a', reply: { subject: 'b' } })).data).toEqual({ post: true });
    const refused = await post({
      subject: 'a',
      reply: { subject: 'b', reply: { subject: 's'.repeat(81) } },
    });
    expect(refused.errors?.[0].extensions).toEqual({
      code: 'BAD_USER_INPUT',
      argument: 'thread.reply.reply.subject',
    });
  });
});

describe('characters', () => {
  test.each([
    ['NUL', '\u0000', '0000'],
    ['a tab', 'a\tb', '0009'],
    ['a newline', 'line 1\nline 2', '000A'],
    ['ESC', '\u001b[31m', '001B'],
    ['DEL', '\u007f', '007F'],
    ['a C1 control', '\u0085', '0085'],
    ['a right-to-left override', 'invoice\u202Etxt.exe', '202E'],
    ['a left-to-right embedding', '\u202Aa', '202A'],
    ['a first-strong isolate', '\u2068a', '2068'],
    ['a pop directional isolate', 'a\u2069', '2069'],
  ])(
    '%s in free text is BAD_USER_INPUT naming the field, and nothing reaches a resolver',
    async (_name, text, code) => {
      expectRefused(
        await send(ADD_NOTE, {
          id: 'ORD-1',
          note: { subject: 'ok', lines: [{ sku: 'A', remark: text }] },
        }),
        'note.lines[0].remark',
        new RegExp(`U\\+${code}`),
      );
      expectRefused(await send(SEARCH, { text }), 'text', new RegExp(`U\\+${code}`));
    },
  );

  test('ordinary text in any script passes, emoji and accents included', async () => {
    const text = 'Müller & Söhne – 東京 № 5 😀 «quoted» שלום';
    const result = await send(ADD_NOTE, { id: 'ORD-1', note: { subject: text } });
    expect(result.errors).toBeUndefined();
    expect(store.seen).toEqual([{ orderId: 'ORD-1', note: { subject: text } }]);
  });

  test('a field without text arguments is untouched', async () => {
    const result = await send('{ search(quantity: 3) }', {});
    expect(result).toMatchObject({ data: { search: 0 } });
  });
});
