import { openSubgraph, type RunningSubgraph } from '@switchyard/kit';
import { querySubgraph } from '@switchyard/kit/testing';
import { financeSubgraph, type FinanceDB, type FinanceStore } from './index';
import { insertFixtures } from './testing/fixtures';
import { distributorOf } from './testing/events';

/**
 * Finance's commands on an invoice or a payment check the row themselves (invoiceOfCaller,
 * paymentOfCaller): when that read fails, the command is refused and nothing is written, even
 * for the caller's own row (a rule that cannot decide denies).
 */
let subgraph: RunningSubgraph<FinanceDB, FinanceStore>;
/** Makes the store's next invoice and payment reads fail, as a dropped connection would. */
let failNextRead = false;

beforeAll(async () => {
  subgraph = await openSubgraph(
    {
      ...financeSubgraph,
      createStore: (db) => {
        const store = financeSubgraph.createStore(db);
        const failing =
          <Args extends unknown[], T>(read: (...args: Args) => Promise<T>) =>
          (...args: Args): Promise<T> => {
            if (!failNextRead) return read(...args);
            failNextRead = false;
            return Promise.reject(new Error('connection reset by peer'));
          };
        return {
          ...store,
          invoicesByIds: failing(store.invoicesByIds.bind(store)),
          paymentsByIds: failing(store.paymentsByIds.bind(store)),
        };
      },
    },
    { dataDir: ':memory:' },
  );
  await insertFixtures(subgraph.database.db);
  subgraph.server.log.error = (() => {}) as typeof subgraph.server.log.error;
});
afterAll(() => subgraph.close());

const statusOf = async (id: string) =>
  (
    await subgraph.database.db
      .selectFrom('invoices')
      .select('status')
      .where('id', '=', id)
      .executeTakeFirstOrThrow()
  ).status;

test("disputeInvoice whose row check cannot read the invoice is refused, even on the caller's own invoice, and changes nothing", async () => {
  failNextRead = true;
  const result = await querySubgraph(
    subgraph.server,
    'mutation { disputeInvoice(invoiceId: "INV-001001", reason: "damaged") { id status } }',
    {},
    {},
    distributorOf('CUS-0101'),
  );
  expect(result.data).toEqual({ disputeInvoice: null });
  expect(result.errors?.map((e) => [e.extensions.code, e.message])).toEqual([
    ['INTERNAL_SERVER_ERROR', 'Internal server error'],
  ]);
  expect(await statusOf('INV-001001')).toBe('OPEN');
  // the same command, once the read succeeds, goes through: the refusal was the failed read's
  const retried = await querySubgraph(
    subgraph.server,
    'mutation { disputeInvoice(invoiceId: "INV-001001", reason: "damaged") { id status } }',
    {},
    {},
    distributorOf('CUS-0101'),
  );
  expect(retried.data).toEqual({ disputeInvoice: { id: 'INV-001001', status: 'DISPUTED' } });
});
