import { Histogram, Registry } from 'prom-client';
import { BucketHistogram } from './bucket-histogram';

const BUCKETS = [0.001, 0.005, 0.01, 0.1, 1, 10];
/** Values on, between, below and above the bounds, for two series. */
const OBSERVED: [string, number][] = [
  ['orders', 0.0004],
  ['orders', 0.001],
  ['orders', 0.003],
  ['orders', 0.01],
  ['orders', 0.5],
  ['orders', 42],
  ['finance', 0.07],
  ['finance', 0.07],
  ['finance', 10],
];

function both() {
  const theirs = new Registry();
  const ours = new Registry();
  const reference = new Histogram({
    name: 'fetch_seconds',
    help: 'Fetch "time"\\n by subgraph',
    labelNames: ['subgraph', 'outcome'],
    buckets: BUCKETS,
    registers: [theirs],
  });
  const histogram = new BucketHistogram(
    'fetch_seconds',
    'Fetch "time"\\n by subgraph',
    ['subgraph', 'outcome'],
    BUCKETS,
    ours,
  );
  return { theirs, ours, reference, histogram };
}

describe('BucketHistogram', () => {
  test("a Registry prints it exactly as prom-client's own Histogram, series by series", async () => {
    const { theirs, ours, reference, histogram } = both();
    for (const [subgraph, seconds] of OBSERVED) {
      reference.labels({ subgraph, outcome: 'ok' }).observe(seconds);
      histogram.labels({ subgraph, outcome: 'ok' }).observe(seconds);
    }
    const text = await ours.metrics();
    expect(text).toBe(await theirs.metrics());
    expect(text).toContain('fetch_seconds_bucket{le="0.001",subgraph="orders",outcome="ok"} 2');
    expect(text).toContain('fetch_seconds_bucket{le="+Inf",subgraph="orders",outcome="ok"} 6');
    expect(text).toContain('fetch_seconds_count{subgraph="finance",outcome="ok"} 3');
    expect(await ours.getMetricsAsJSON()).toEqual(await theirs.getMetricsAsJSON());
  });

  test('a bound series keeps counting into the same series; binding the same labels again gives it back', async () => {
    const { ours, histogram } = both();
    const bound = histogram.labels({ subgraph: 'orders', outcome: 'ok' });
    bound.observe(0.002);
    expect(histogram.labels({ outcome: 'ok', subgraph: 'orders' })).toBe(bound);
    bound.observe(0.002);
    expect(await ours.metrics()).toContain(
      'fetch_seconds_bucket{le="0.005",subgraph="orders",outcome="ok"} 2',
    );
  });

  test('resetMetrics zeroes every series; bound series count again from zero', async () => {
    const { ours, histogram } = both();
    const bound = histogram.labels({ subgraph: 'orders', outcome: 'ok' });
    bound.observe(3);
    ours.resetMetrics();
    expect(await ours.metrics()).toContain('fetch_seconds_count{subgraph="orders",outcome="ok"} 0');
    bound.observe(3);
    expect(await ours.metrics()).toContain('fetch_seconds_sum{subgraph="orders",outcome="ok"} 3');
  });
});
