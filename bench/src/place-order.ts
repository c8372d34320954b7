/**
 * placeOrder under load: the six real subgraphs (SQLite, seeded at scale 1, in one child process as
 * `npm start` runs them) and a bounded loop of concurrent placeOrder requests sent straight to the
 * orders subgraph with a signed identity, so what is timed is placeOrder with its synchronous checks
 * (and, since issue 19, its reservations), not the gateway. Each request is a new order (its own
 * idempotency key) of 1 to 3 units of 1 or 2 in-stock SKUs for an ACTIVE customer, customers and
 * SKUs taken in turn from the seed.
 *
 *   npx tsx bench/src/place-order.ts [--seconds 10] [--warmup 3] [--connections 8] [--rounds 3]
 *
 * Prints one Markdown row per round (req/s, p50, p99, accepted, held, errors) and the medians.
 */
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DEVELOPMENT_IDENTITY_SECRET, IDENTITY_HEADER, signIdentity } from '@switchyard/kit';
import { generateDataset } from '@switchyard/seed';
import { seedDatabases } from '../../scripts/seed-databases';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '3' },
    connections: { type: 'string', default: '8' },
    rounds: { type: 'string', default: '3' },
  },
});
const options = {
  seconds: Number(values.seconds),
  warmup: Number(values.warmup),
  connections: Number(values.connections),
  rounds: Number(values.rounds),
};

const PLACE_ORDER = `mutation BenchPlaceOrder($input: PlaceOrderInput!, $key: String!) {
  placeOrder(input: $input, idempotencyKey: $key) { accepted order { id status } }
}`;

interface OrderInput {
  customerId: string;
  lines: { sku: string; quantity: number }[];
}

/** ACTIVE customers and ACTIVE SKUs with plenty available, from the same seed the databases hold. */
function workload(): OrderInput[] {
  const dataset = generateDataset({ seed: 42, scale: 1 });
  const customers = dataset.customers.customers
    .filter((c) => c.status === 'ACTIVE' && c.credit_limit_cents >= 2_000_000)
    .map((c) => c.id);
  const available = new Map<string, number>();
  for (const s of dataset.inventory.stock_levels)
    available.set(s.product_id, (available.get(s.product_id) ?? 0) + s.on_hand - s.allocated);
  const skus = dataset.catalog.products
    .filter((p) => p.status === 'ACTIVE' && (available.get(p.id) ?? 0) >= 400)
    .map((p) => p.sku);
  return Array.from({ length: 2_000 }, (_, i) => ({
    customerId: customers[i % customers.length],
    lines: [
      { sku: skus[(i * 7) % skus.length], quantity: 1 + (i % 3) },
      ...(i % 2 === 0 ? [{ sku: skus[(i * 7 + 1) % skus.length], quantity: 1 }] : []),
    ],
  }));
}

interface Round {
  requests: number;
  seconds: number;
  latenciesMs: number[];
  accepted: number;
  held: number;
  errors: number;
}

let keySequence = 0;

/** `connections` loops, each sending its next request when the last is answered, for `seconds`. */
async function load(url: string, inputs: OrderInput[], seconds: number): Promise<Round> {
  const identity = signIdentity(
    {
      id: 'bench-web-store',
      kind: 'ecommerce',
      scopes: ['orders:write', 'orders:read'],
      tenant: null,
      aud: 'orders',
    },
    DEVELOPMENT_IDENTITY_SECRET,
    3_600,
  );
  const round: Round = { requests: 0, seconds, latenciesMs: [], accepted: 0, held: 0, errors: 0 };
  const started = performance.now();
  const deadline = started + seconds * 1000;
  const loop = async () => {
    while (performance.now() < deadline) {
      const n = keySequence++;
      const body = JSON.stringify({
        query: PLACE_ORDER,
        variables: {
          input: inputs[n % inputs.length],
          key: `bench-place-order-${process.pid}-${n}`,
        },
      });
      const sent = performance.now();
      try {
        const response = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', [IDENTITY_HEADER]: identity },
          body,
        });
        const answer = (await response.json()) as {
          data?: { placeOrder: { accepted: boolean } | null };
          errors?: unknown[];
        };
        round.latenciesMs.push(performance.now() - sent);
        round.requests++;
        if (answer.errors?.length || !answer.data?.placeOrder) round.errors++;
        else if (answer.data.placeOrder.accepted) round.accepted++;
        else round.held++;
      } catch {
        round.errors++;
      }
    }
  };
  await Promise.all(Array.from({ length: options.connections }, loop));
  round.seconds = (performance.now() - started) / 1000;
  return round;
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function main() {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'switchyard-place-order-'));
  const graph = fork(path.join(__dirname, 'place-order-graph.ts'), {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, DATA_DIR: dataDir, LOG_LEVEL: 'silent' },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  try {
    console.error(`seeding ${dataDir} ...`);
    await seedDatabases({ dataDir, scale: 1 });
    graph.send?.('start');
    const urls = await new Promise<Record<string, string>>((resolve, reject) => {
      graph.once('message', (message: { urls: Record<string, string> }) => resolve(message.urls));
      graph.once('exit', (code) => reject(new Error(`the subgraphs exited (${code})`)));
    });
    const inputs = workload();
    console.error(`warming up ${options.warmup}s ...`);
    await load(urls.orders, inputs, options.warmup);
    const rounds: Round[] = [];
    console.log(`| round | req/s | p50 ms | p99 ms | accepted | held | errors |`);
    console.log(`|---:|---:|---:|---:|---:|---:|---:|`);
    for (let r = 1; r <= options.rounds; r++) {
      const round = await load(urls.orders, inputs, options.seconds);
      rounds.push(round);
      const sorted = [...round.latenciesMs].sort((a, b) => a - b);
      console.log(
        `| ${r} | ${(round.requests / round.seconds).toFixed(1)} | ${percentile(sorted, 50).toFixed(1)} | ${percentile(sorted, 99).toFixed(1)} | ${round.accepted} | ${round.held} | ${round.errors} |`,
      );
    }
    const rps = median(rounds.map((r) => r.requests / r.seconds));
    const p50 = median(
      rounds.map((r) =>
        percentile(
          [...r.latenciesMs].sort((a, b) => a - b),
          50,
        ),
      ),
    );
    const p99 = median(
      rounds.map((r) =>
        percentile(
          [...r.latenciesMs].sort((a, b) => a - b),
          99,
        ),
      ),
    );
    console.log(
      `\nmedian of ${rounds.length} rounds (${options.connections} connections, ${options.seconds} s each): ${rps.toFixed(1)} req/s, p50 ${p50.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms`,
    );
  } finally {
    graph.kill('SIGTERM');
    await new Promise((resolve) => graph.once('exit', resolve));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

void main();
