import { CircuitBreaker } from './circuit-breaker';

function breaker(failureThreshold = 3) {
  const clock = { now: 0 };
  const circuit = new CircuitBreaker(
    { failureThreshold, openMs: 1_000, maxOpenMs: 30_000 },
    () => clock.now,
  );
  return { circuit, clock };
}

describe('CircuitBreaker', () => {
  test('stays closed below the threshold; an answer resets the count of failures in a row', () => {
    const { circuit } = breaker(3);
    circuit.failed();
    circuit.failed();
    circuit.succeeded();
    circuit.failed();
    circuit.failed();
    expect(circuit.snapshot()).toEqual({ state: 'closed', consecutiveFailures: 2 });
    expect(circuit.admit()).toBe(true);
  });

  test('opens at the threshold and admits no call until its interval has passed', () => {
    const { circuit, clock } = breaker(3);
    for (let i = 0; i < 3; i++) circuit.failed();
    expect(circuit.snapshot()).toEqual({ state: 'open', consecutiveFailures: 3, probeInMs: 1_000 });
    clock.now = 999;
    expect(circuit.admit()).toBe(false);
  });

  test('half-open: exactly one probe goes through, the others still fail fast', () => {
    const { circuit, clock } = breaker(1);
    circuit.failed();
    clock.now = 1_000;
    expect(circuit.admit()).toBe(true);
    expect(circuit.state).toBe('half-open');
    expect(circuit.admit()).toBe(false);
    expect(circuit.admit()).toBe(false);
  });

  test('a probe that answers closes the circuit and the next failures count from zero', () => {
    const { circuit, clock } = breaker(2);
    circuit.failed();
    circuit.failed();
    clock.now = 1_000;
    circuit.admit();
    circuit.succeeded();
    expect(circuit.snapshot()).toEqual({ state: 'closed', consecutiveFailures: 0 });
    circuit.failed();
    expect(circuit.state).toBe('closed');
  });

  test('each failed probe doubles the open interval, up to the longest', () => {
    const { circuit, clock } = breaker(1);
    circuit.failed();
    const intervals: number[] = [];
    for (let probe = 0; probe < 7; probe++) {
      clock.now += circuit.snapshot().probeInMs!;
      expect(circuit.admit()).toBe(true);
      circuit.failed();
      intervals.push(circuit.snapshot().probeInMs!);
    }
    expect(intervals).toEqual([2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000]);
  });

  test('after closing, the next opening starts from the shortest interval again', () => {
    const { circuit, clock } = breaker(1);
    circuit.failed();
    clock.now = 1_000;
    circuit.admit();
    circuit.failed(); // open for 2 s
    clock.now = 3_000;
    circuit.admit();
    circuit.succeeded();
    circuit.failed();
    expect(circuit.snapshot().probeInMs).toBe(1_000);
  });

  test('a call admitted before the circuit opened and answering late does not close it', () => {
    const { circuit } = breaker(1);
    circuit.failed();
    circuit.succeeded();
    expect(circuit.state).toBe('open');
  });
});

test('each change of state is told, after it happened: open, half-open, closed', () => {
  const clock = { now: 0 };
  const changes: string[] = [];
  const circuit = new CircuitBreaker(
    { failureThreshold: 1, openMs: 1_000, maxOpenMs: 30_000 },
    () => clock.now,
    (from, snapshot) => changes.push(`${from}->${snapshot.state}`),
  );
  circuit.failed();
  clock.now = 1_000;
  circuit.admit();
  circuit.succeeded();
  circuit.succeeded();
  expect(changes).toEqual(['closed->open', 'open->half-open', 'half-open->closed']);
});
