import type { ContractReplayReport } from '@switchyard/gateway/src/governance/traffic-samples/contract-replay';
import { createCheckRunner } from './check-runner';
import type { CheckInput, PipelineReport } from './check-report';
import { SourceUnavailableError, type GovernanceSources } from './governance-sources';
import { renderCheckReport } from './render-report';
import { changeOf, fakeSources, GOVERNANCE, NOW, replaceOnce } from './testing/check-fixtures';

const ENDPOINT = 'http://127.0.0.1:4999/graphql';

function replayReport(
  regressions: ContractReplayReport['operations'][number]['regressions'],
): ContractReplayReport {
  return {
    subgraph: 'orders',
    current: 'http://127.0.0.1:4003/graphql',
    candidate: ENDPOINT,
    replayedAt: new Date(NOW).toISOString(),
    replayed: 3,
    skipped: 1,
    operations: [
      {
        operationKey: 'a'.repeat(64),
        operationName: 'AcmeOrder__orders__0',
        clientOperation: 'AcmeOrder',
        replayed: 3,
        skipped: { 'holds masked values': 1 },
        consumers: ['dev-acme-distributor'],
        regressions,
      },
    ],
  };
}

const BECAME_NULL = {
  kind: 'became-null' as const,
  path: 'order.shipToAddressId',
  coordinate: 'Order.shipToAddressId',
  detail: 'now null',
  samples: 3,
  consumers: ['dev-acme-distributor'],
};

const addNullableField = (): CheckInput => ({
  ...changeOf('orders', (sdl) =>
    replaceOnce(
      sdl,
      '  poNumber: String @tag(name: "partner")\n',
      '  poNumber: String @tag(name: "partner")\n  giftNote: String\n',
    ),
  ),
  replayEndpoint: ENDPOINT,
});

// One runner (it keeps today's schemas built), the replay each test states swapped in.
let replay: GovernanceSources['replayTraffic'];
const { sources } = fakeSources();
const run = createCheckRunner({
  governance: GOVERNANCE,
  sources: {
    usage: (query) => sources.usage(query),
    registeredOperations: (consumer) => sources.registeredOperations(consumer),
    get replayTraffic() {
      return replay;
    },
  },
  now: () => NOW,
});
const input = addNullableField();

async function check(given: GovernanceSources['replayTraffic']): Promise<PipelineReport> {
  replay = given;
  return (await run(input)) as PipelineReport;
}

describe('the contract replay step of a check', () => {
  test('a regression fails the check, approvably, naming the operation, the field and the consumer', async () => {
    const asked: string[][] = [];
    const report = await check(async (subgraph, endpoint) => {
      asked.push([subgraph, endpoint]);
      return replayReport([BECAME_NULL]);
    });
    expect(asked).toEqual([['orders', ENDPOINT]]);
    expect(report.ok).toBe(false);
    expect(report.approvalRequired).toBe(true);
    expect(report.failures).toEqual([
      expect.stringMatching(
        /operation AcmeOrder \(AcmeOrder__orders__0\): field Order\.shipToAddressId at order\.shipToAddressId became null .* of dev-acme-distributor/,
      ),
    ]);
    expect(report.warnings).toContain(
      `contract replay against ${ENDPOINT}: 1 sample not replayed: holds masked values`,
    );
    expect(renderCheckReport(report)).toContain(
      'AcmeOrder (AcmeOrder__orders__0): became-null at order.shipToAddressId [Order.shipToAddressId]',
    );
  });

  test('the same regressions give the same fingerprint; another regression another one', async () => {
    const first = await check(async () => replayReport([BECAME_NULL]));
    const again = await check(async () => replayReport([{ ...BECAME_NULL, samples: 7 }]));
    const other = await check(async () =>
      replayReport([{ ...BECAME_NULL, path: 'order.number', coordinate: 'Order.number' }]),
    );
    expect(again.fingerprint).toBe(first.fingerprint);
    expect(other.fingerprint).not.toBe(first.fingerprint);
  });

  test('an unchanged candidate passes; a replay that cannot run fails (unknown is not safe)', async () => {
    expect((await check(async () => replayReport([]))).ok).toBe(true);
    const down = await check(async () => {
      throw new SourceUnavailableError('contract replay of "orders": HTTP 400 BAD_USER_INPUT: no');
    });
    expect(down.ok).toBe(false);
    expect(down.failures).toEqual([
      `contract replay against ${ENDPOINT} could not run: contract replay of "orders": HTTP 400 BAD_USER_INPUT: no (unknown is not safe)`,
    ]);
    expect((await check(undefined)).ok).toBe(false);
  });
});
