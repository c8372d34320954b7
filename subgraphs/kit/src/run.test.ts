import { housekeepingFrom, serviceUrlsFrom } from './run';

test('SUBGRAPH_URL_<NAME> variables name the subgraphs a process calls; other variables are ignored', () => {
  const urls = serviceUrlsFrom({
    SUBGRAPH_URL_CUSTOMERS: 'http://customers:4001/graphql',
    SUBGRAPH_URL_FINANCE: 'http://finance:4006/graphql',
    SUBGRAPH_URL_EMPTY: '',
    PORT: '4004',
  });
  expect([...urls]).toEqual([
    ['customers', 'http://customers:4001/graphql'],
    ['finance', 'http://finance:4006/graphql'],
  ]);
});

test('RESERVATION_TIMEOUT_MS and EVENT_RETENTION_MS set housekeeping; unset is the default; anything but a positive whole number stops the start', () => {
  expect(housekeepingFrom({})).toEqual({});
  expect(
    housekeepingFrom({ RESERVATION_TIMEOUT_MS: '60000', EVENT_RETENTION_MS: '86400000' }),
  ).toEqual({
    orphanAfterMs: 60_000,
    eventRetentionMs: 86_400_000,
  });
  for (const bad of ['0', '-5', '1.5', '7d', 'forever'])
    expect(() => housekeepingFrom({ EVENT_RETENTION_MS: bad })).toThrow(
      `EVENT_RETENTION_MS must be a positive number of milliseconds, got ${bad}`,
    );
});
