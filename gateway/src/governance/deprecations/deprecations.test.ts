import { ApolloServer } from '@apollo/server';
import { buildSchema, parse } from 'graphql';
import type { GatewayContext } from '../../context';
import type { Consumer } from '../consumer';
import { governancePlugin } from '../operation-plugin';
import { ManifestRegistry } from '../persisted-operations/manifest-registry';
import { operationId } from '../persisted-operations/operation-manifest';
import { createMemoryStore } from '../store/memory-store';
import { DeprecationFeed, readDeprecationFeed, sunsetInstant } from './deprecation-feed';
import { deprecationPhase } from './deprecation-phase';
import { createDeprecationsModule } from './deprecations';
import { manifestFindings } from './manifest-deprecations';
import { operationCoordinates } from './selected-coordinates';

const schema = buildSchema(`
  type Query {
    order(id: ID!, legacy: Boolean): Order
    orders(status: OrderStatus, filter: OrderFilter): [Order!]!
    node(id: ID!): Node
  }
  interface Node { id: ID! }
  type Order implements Node { id: ID! shipToAddressId: ID shipTo: String status: OrderStatus }
  enum OrderStatus { OPEN LEGACY_HELD SHIPPED }
  input OrderFilter { status: [OrderStatus!] region: String legacyRegion: String }
`);

const order = { id: 'ORD-1', shipToAddressId: 'ADR-1', shipTo: 'Main St', status: 'OPEN' };
const rootValue = { order: () => order, orders: () => [order], node: () => null };

const SUNSET = '2027-03-01';
const at = (iso: string) => Date.parse(iso);

/** The registry's feed body for `Order.shipToAddressId` and a few others. */
function feedBody(overrides: Record<string, unknown> = {}) {
  return {
    etag: '"feed-1"',
    deprecations: [
      {
        coordinate: 'Order.shipToAddressId',
        reason: 'Use Order.shipTo.',
        sunset: SUNSET,
        replacement: 'Order.shipTo',
        link: 'https://docs.example/deprecations/ship-to',
        deprecatedAt: '2026-12-01T10:00:00Z',
        schemaVersion: 3,
        brownouts: [{ start: '2027-02-10T14:00:00Z', end: '2027-02-10T15:00:00Z' }],
        waivers: [{ consumer: 'acme', until: '2027-03-15T00:00:00Z', reason: 'migrating' }],
        ...overrides,
      },
      {
        coordinate: 'OrderStatus.LEGACY_HELD',
        reason: 'Holds are in Order.holds.',
        sunset: '2027-06-01',
        replacement: null,
        link: null,
        deprecatedAt: '2026-11-01T00:00:00Z',
        schemaVersion: 3,
        brownouts: [],
        waivers: [],
      },
      {
        coordinate: 'Query.order(legacy:)',
        reason: 'Ignored.',
        sunset: '2027-06-01',
        replacement: null,
        link: null,
        deprecatedAt: '2026-11-01T00:00:00Z',
        schemaVersion: 3,
        brownouts: [],
        waivers: [],
      },
      {
        coordinate: 'OrderFilter.legacyRegion',
        reason: 'Use region.',
        sunset: '2027-06-01',
        replacement: 'OrderFilter.region',
        link: null,
        deprecatedAt: '2026-11-01T00:00:00Z',
        schemaVersion: 3,
        brownouts: [],
        waivers: [],
      },
    ],
  };
}

const consumer = (id: string): Consumer => ({
  id,
  name: id,
  kind: 'distributor',
  scopes: [],
  tenant: null,
  tier: 'bronze',
  persistedOperations: 'allow',
  contract: null,
  requireClientName: false,
  requireOperationName: false,
});

/** A module over `schema` with a settable clock, and a way to run an operation through it on Apollo Server. */
function harness(body: unknown = feedBody()) {
  const feed = new DeprecationFeed();
  feed.replace(readDeprecationFeed(body, null));
  let now = at('2026-12-06T12:00:00Z');
  let schemaListener = () => {};
  const module = createDeprecationsModule({
    supergraph: { apiSchema: () => schema, onUpdate: (listener) => (schemaListener = listener) },
    feed,
    clock: () => now,
  });
  const server = new ApolloServer<GatewayContext>({
    schema,
    rootValue,
    plugins: [governancePlugin([module])!],
  });
  const started = server.start();
  return {
    feed,
    module,
    setClock: (iso: string) => (now = at(iso)),
    swapSupergraph: () => schemaListener(),
    async run(
      query: string,
      consumerId: string | null = null,
      variables?: Record<string, unknown>,
    ) {
      await started;
      const context: GatewayContext = {
        correlationId: 'c',
        startedAt: 0,
        consumer: consumerId ? consumer(consumerId) : null,
        client: { name: null, version: null },
        governance: {},
      };
      const response = await server.executeOperation(
        { query, variables },
        { contextValue: context },
      );
      if (response.body.kind !== 'single') throw new Error('expected a single result');
      return {
        result: response.body.singleResult,
        status: response.http.status ?? 200,
        headers: Object.fromEntries(response.http.headers),
      };
    },
    stop: () => started.then(() => server.stop()),
  };
}

const watchedOf = (body = feedBody()) =>
  new Set(readDeprecationFeed(body, null).byCoordinate.keys());

describe('operationCoordinates', () => {
  test('finds watched fields through aliases, fragments and inline fragments, as the type they are selected on', () => {
    const document = parse(`
      query A { first: order(id: "1") { ...F } node(id: "2") { ... on Order { shipToAddressId } } }
      fragment F on Order { id addressId: shipToAddressId }
      query B { order(id: "1") { id } }
    `);
    expect(operationCoordinates(schema, document, 'A', watchedOf()).inDocument).toEqual([
      'Order.shipToAddressId',
    ]);
    expect(operationCoordinates(schema, document, 'B', watchedOf())).toEqual({
      inDocument: [],
      variables: [],
    });
  });

  test('a field deprecated on an interface is found where it is selected on a type implementing it', () => {
    const watched = new Set(['Node.id']);
    expect(
      operationCoordinates(schema, parse('{ order(id: "1") { id } }'), '', watched).inDocument,
    ).toEqual(['Node.id']);
    expect(
      operationCoordinates(schema, parse('{ node(id: "1") { id } }'), '', watched).inDocument,
    ).toEqual(['Node.id']);
    expect(
      operationCoordinates(schema, parse('{ order(id: "1") { shipTo } }'), '', watched).inDocument,
    ).toEqual([]);
  });

  test('finds arguments passed, and enum values and input fields written as literals', () => {
    const document = parse(
      '{ order(id: "1", legacy: true) { id } orders(status: LEGACY_HELD, filter: { legacyRegion: "N", status: [OPEN] }) { id } }',
    );
    expect(operationCoordinates(schema, document, '', watchedOf()).inDocument).toEqual([
      'OrderFilter.legacyRegion',
      'OrderStatus.LEGACY_HELD',
      'Query.order(legacy:)',
    ]);
  });

  test('names the variables whose values can carry a watched enum value or input field, and only those', () => {
    const document = parse(
      'query Q($s: OrderStatus, $f: OrderFilter, $id: ID!) { order(id: $id) { id } orders(status: $s, filter: $f) { id } }',
    );
    expect(
      operationCoordinates(schema, document, 'Q', watchedOf()).variables.map((v) => v.name),
    ).toEqual(['s', 'f']);
  });
});

describe('deprecationPhase (time rules)', () => {
  const deprecation = readDeprecationFeed(feedBody(), null).byCoordinate.get(
    'Order.shipToAddressId',
  )!;

  test('the sunset takes effect at 00:00 UTC of its date', () => {
    expect(sunsetInstant('2027-03-01')).toBe(at('2027-03-01T00:00:00Z'));
    expect(deprecationPhase(deprecation, 'web', at('2027-02-28T23:59:59.999Z')).kind).toBe(
      'announced',
    );
    expect(deprecationPhase(deprecation, 'web', at('2027-03-01T00:00:00Z')).kind).toBe('sunset');
  });

  test('announced with its next brownout before it, refused inside it, announced again after it', () => {
    expect(deprecationPhase(deprecation, 'web', at('2027-02-10T13:59:00Z'))).toEqual({
      kind: 'announced',
      nextBrownout: { start: at('2027-02-10T14:00:00Z'), end: at('2027-02-10T15:00:00Z') },
    });
    expect(deprecationPhase(deprecation, 'web', at('2027-02-10T14:00:00Z')).kind).toBe('brownout');
    expect(deprecationPhase(deprecation, 'web', at('2027-02-10T15:00:00Z'))).toEqual({
      kind: 'announced',
      nextBrownout: null,
    });
  });

  test('a waiver lets its own consumer through brownouts and past the sunset until it ends, and no one else', () => {
    expect(deprecationPhase(deprecation, 'acme', at('2027-02-10T14:30:00Z')).kind).toBe('waived');
    expect(deprecationPhase(deprecation, 'acme', at('2027-03-14T23:59:59Z')).kind).toBe('waived');
    expect(deprecationPhase(deprecation, 'acme', at('2027-03-15T00:00:00Z')).kind).toBe('sunset');
    expect(deprecationPhase(deprecation, 'web', at('2027-03-02T00:00:00Z')).kind).toBe('sunset');
    expect(deprecationPhase(deprecation, null, at('2027-03-02T00:00:00Z')).kind).toBe('sunset');
  });
});

describe('readDeprecationFeed', () => {
  test('refuses a feed it cannot read, naming the problem', () => {
    expect(() => readDeprecationFeed(feedBody({ sunset: '2027-02-30' }), null)).toThrow(
      /deprecations\.0\.sunset must be a date YYYY-MM-DD/,
    );
    expect(() => readDeprecationFeed(feedBody({ coordinate: 'not a coordinate' }), null)).toThrow(
      /coordinate/,
    );
    expect(() => readDeprecationFeed({ nothing: true }, null)).toThrow(/deprecations/);
  });
});

describe('the deprecations module', () => {
  const QUERY = 'query Legacy { order(id: "1") { id shipToAddressId } }';

  test('announces a deprecated field: Deprecation, Sunset, Link and Switchyard-Brownout headers, and extensions.deprecations', async () => {
    const h = harness();
    try {
      const { result, status, headers } = await h.run(QUERY, 'web');
      expect(status).toBe(200);
      expect(result.data).toEqual({ order: { id: 'ORD-1', shipToAddressId: 'ADR-1' } });
      expect(headers.deprecation).toBe(`@${at('2026-12-01T10:00:00Z') / 1000}`);
      expect(headers.sunset).toBe('Mon, 01 Mar 2027 00:00:00 GMT');
      expect(headers.link).toBe('<https://docs.example/deprecations/ship-to>; rel="deprecation"');
      expect(headers['switchyard-brownout']).toBe(
        `"Order.shipToAddressId";start=@${at('2027-02-10T14:00:00Z') / 1000};end=@${at('2027-02-10T15:00:00Z') / 1000}`,
      );
      expect(result.extensions?.deprecations).toEqual([
        {
          coordinate: 'Order.shipToAddressId',
          reason: 'Use Order.shipTo.',
          sunset: SUNSET,
          replacement: 'Order.shipTo',
          link: 'https://docs.example/deprecations/ship-to',
          deprecatedAt: '2026-12-01T10:00:00.000Z',
          nextBrownout: { start: '2027-02-10T14:00:00.000Z', end: '2027-02-10T15:00:00.000Z' },
        },
      ]);
    } finally {
      await h.stop();
    }
  });

  test('an operation without a deprecated coordinate, or any operation with an empty feed, gets no header and no extension', async () => {
    const h = harness();
    try {
      const clean = await h.run('{ order(id: "1") { id shipTo } }', 'web');
      expect(clean.headers.deprecation).toBeUndefined();
      expect(clean.result.extensions).toBeUndefined();
      h.feed.replace(readDeprecationFeed({ deprecations: [] }, null));
      const nothingDeprecated = await h.run(QUERY, 'web');
      expect(nothingDeprecated.headers.deprecation).toBeUndefined();
      expect(nothingDeprecated.result.extensions).toBeUndefined();
    } finally {
      await h.stop();
    }
  });

  test('refuses it in a brownout with FIELD_BROWNOUT (410) naming the window end, the sunset and the replacement', async () => {
    const h = harness();
    try {
      h.setClock('2027-02-10T14:30:00Z');
      const { result, status, headers } = await h.run(QUERY, 'web');
      expect(status).toBe(410);
      expect(result.data).toBeUndefined();
      expect(result.errors?.[0].extensions).toMatchObject({
        code: 'FIELD_BROWNOUT',
        coordinate: 'Order.shipToAddressId',
        brownoutEnd: '2027-02-10T15:00:00.000Z',
        sunset: SUNSET,
        replacement: 'Order.shipTo',
      });
      expect(headers.sunset).toBe('Mon, 01 Mar 2027 00:00:00 GMT');
      h.setClock('2027-02-10T15:00:00Z');
      expect((await h.run(QUERY, 'web')).status).toBe(200);
    } finally {
      await h.stop();
    }
  });

  test('after the sunset: FIELD_SUNSET (410) naming the coordinate, the date and the replacement, except for a consumer whose waiver has not ended', async () => {
    const h = harness();
    try {
      h.setClock('2027-03-01T00:00:00Z');
      const refused = await h.run(QUERY, 'web');
      expect(refused.status).toBe(410);
      expect(refused.result.errors?.[0].message).toBe(
        'Order.shipToAddressId reached its sunset on 2027-03-01 and is no longer served to web; use Order.shipTo instead.',
      );
      expect(refused.result.errors?.[0].extensions).toMatchObject({
        code: 'FIELD_SUNSET',
        coordinate: 'Order.shipToAddressId',
        sunset: SUNSET,
        replacement: 'Order.shipTo',
      });

      const waived = await h.run(QUERY, 'acme');
      expect(waived.status).toBe(200);
      expect(waived.result.data).toEqual({ order: { id: 'ORD-1', shipToAddressId: 'ADR-1' } });
      expect(waived.result.extensions?.deprecations).toEqual([
        expect.objectContaining({
          coordinate: 'Order.shipToAddressId',
          waiverUntil: '2027-03-15T00:00:00.000Z',
        }),
      ]);

      h.setClock('2027-03-15T00:00:00Z');
      expect((await h.run(QUERY, 'acme')).result.errors?.[0].extensions?.code).toBe('FIELD_SUNSET');
    } finally {
      await h.stop();
    }
  });

  test('reads enum values and input fields in the variables a request sends', async () => {
    const h = harness();
    try {
      const query =
        'query Orders($s: OrderStatus, $f: OrderFilter) { orders(status: $s, filter: $f) { id } }';
      const plain = await h.run(query, 'web', { s: 'OPEN', f: { region: 'N' } });
      expect(plain.result.extensions).toBeUndefined();
      const legacy = await h.run(query, 'web', {
        s: 'OPEN',
        f: { legacyRegion: 'N', status: ['LEGACY_HELD'] },
      });
      expect(
        (legacy.result.extensions?.deprecations as { coordinate: string }[]).map(
          (d) => d.coordinate,
        ),
      ).toEqual(['OrderFilter.legacyRegion', 'OrderStatus.LEGACY_HELD']);
      h.setClock('2027-06-01T00:00:00Z');
      const sunset = await h.run(query, 'web', { s: 'LEGACY_HELD' });
      expect(sunset.result.errors?.[0].extensions).toMatchObject({
        code: 'FIELD_SUNSET',
        coordinate: 'OrderStatus.LEGACY_HELD',
      });
    } finally {
      await h.stop();
    }
  });

  test('a new feed applies to an operation already seen (its cached analysis is dropped)', async () => {
    const h = harness({ deprecations: [] });
    try {
      expect((await h.run(QUERY, 'web')).headers.deprecation).toBeUndefined();
      h.feed.replace(readDeprecationFeed(feedBody(), '"feed-2"'));
      expect((await h.run(QUERY, 'web')).headers.deprecation).toBeDefined();
      h.feed.replace(readDeprecationFeed({ deprecations: [] }, '"feed-3"'));
      expect((await h.run(QUERY, 'web')).headers.deprecation).toBeUndefined();
    } finally {
      await h.stop();
    }
  });
});

describe('manifest registration', () => {
  const LEGACY = 'query Legacy { order(id: "1") { id shipToAddressId } }';
  const CURRENT = 'query Current { order(id: "1") { id shipTo } }';
  const manifest = (...bodies: [string, string][]) => ({
    format: 'apollo-persisted-query-manifest',
    version: 1,
    operations: bodies.map(([name, body]) => ({
      id: operationId(body),
      name,
      type: 'query',
      body,
    })),
  });

  function registryAt(h: ReturnType<typeof harness>) {
    return new ManifestRegistry(
      {},
      {
        store: createMemoryStore(),
        supergraph: { apiSchema: () => schema },
        contractSchema: () => schema,
        requirements: () => null,
        lifecycle: (who, index, operation, document) =>
          manifestFindings(
            who.id,
            index,
            operation,
            h.module.usedBy(who.id, document, operation.name),
          ),
      },
    );
  }

  test('accepts an operation using a deprecated coordinate with a warning naming the sunset', async () => {
    const h = harness();
    try {
      const result = await registryAt(h).register(
        consumer('web'),
        manifest(['Current', CURRENT], ['Legacy', LEGACY]),
      );
      expect(result).toMatchObject({ ok: true, added: 2 });
      expect(result.ok && result.warnings).toEqual([
        {
          code: 'DEPRECATED_COORDINATE',
          message:
            'operation Legacy uses Order.shipToAddressId, which is deprecated and will be refused from its sunset on 2027-03-01 (and during a brownout from 2027-02-10T14:00:00.000Z to 2027-02-10T15:00:00.000Z); use Order.shipTo instead',
          operation: { index: 1, id: operationId(LEGACY), name: 'Legacy' },
          coordinate: 'Order.shipToAddressId',
          sunset: SUNSET,
          replacement: 'Order.shipTo',
        },
      ]);
    } finally {
      await h.stop();
    }
  });

  test('refuses, registering nothing, a manifest with an operation using a coordinate past its sunset', async () => {
    const h = harness();
    try {
      h.setClock('2027-03-02T00:00:00Z');
      const registry = registryAt(h);
      const result = await registry.register(
        consumer('web'),
        manifest(['Current', CURRENT], ['Legacy', LEGACY]),
      );
      expect(result).toEqual({
        ok: false,
        reasons: [
          {
            code: 'COORDINATE_SUNSET',
            message:
              'operation Legacy uses Order.shipToAddressId, which reached its sunset on 2027-03-01 and is no longer served to web; use Order.shipTo instead',
            operation: { index: 1, id: operationId(LEGACY), name: 'Legacy' },
            coordinate: 'Order.shipToAddressId',
          },
        ],
      });
      expect(await registry.list('web')).toEqual([]);
      // Under its waiver, acme may still register it, warned until when.
      const waived = await registry.register(consumer('acme'), manifest(['Legacy', LEGACY]));
      expect(waived.ok && waived.warnings?.[0].message).toMatch(
        /under a waiver until 2027-03-15T00:00:00.000Z/,
      );
    } finally {
      await h.stop();
    }
  });
});
