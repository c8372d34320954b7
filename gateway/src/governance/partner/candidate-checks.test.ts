import { CANDIDATE_CHECKS_TTL_MS, createCandidateChecks } from './candidate-checks';

const answer = {
  checks: [
    {
      subgraph: 'orders',
      createdAt: '2026-12-06T10:05:00.000Z',
      check: {
        id: 'chk_1',
        operations: {
          failures: [{ consumer: 'acme', operationId: 'op1', reasons: ['gone'] }],
          alreadyFailing: [{ consumer: 'acme', operationId: 'op2', reasons: ['was broken'] }],
        },
      },
    },
    { subgraph: 'catalog', createdAt: '2026-12-06T10:04:00.000Z', check: { id: 'chk_2' } },
  ],
};

test('a failed read is unknown with its reason and not kept; a good one serves for the TTL', async () => {
  let clock = 0;
  const calls: string[] = [];
  let fail = true;
  const checks = createCandidateChecks({
    url: 'http://registry.test',
    token: 'dev-gateway',
    now: () => clock,
    fetch: (async (url: string, init: RequestInit) => {
      calls.push(`${url} ${(init.headers as Record<string, string>)['x-api-key']}`);
      if (fail) throw new Error('connect ECONNREFUSED');
      return new Response(JSON.stringify(answer), { status: 200 });
    }) as typeof fetch,
  });
  expect(await checks('acme')).toEqual({
    available: false,
    reason: 'the registry did not answer (connect ECONNREFUSED)',
  });
  fail = false;
  const read = await checks('acme');
  expect(calls).toEqual([
    'http://registry.test/checks?limit=50 dev-gateway',
    'http://registry.test/checks?limit=50 dev-gateway',
  ]);
  expect(read).toEqual({
    available: true,
    candidates: [
      {
        checkId: 'chk_1',
        subgraph: 'orders',
        createdAt: '2026-12-06T10:05:00.000Z',
        checked: true,
        breaks: { op1: ['gone'], op2: ['was broken'] },
      },
      {
        checkId: 'chk_2',
        subgraph: 'catalog',
        createdAt: '2026-12-06T10:04:00.000Z',
        checked: false,
        breaks: {},
      },
    ],
  });
  // Another consumer, within the TTL: the same read, its own operations only.
  clock = CANDIDATE_CHECKS_TTL_MS - 1;
  const other = await checks('globex');
  expect(calls).toHaveLength(2);
  expect(other.available && other.candidates[0].breaks).toEqual({});
  clock = CANDIDATE_CHECKS_TTL_MS;
  await checks('acme');
  expect(calls).toHaveLength(3);
});
