import { containsIgnoringCase, countRows, rowScopeCondition } from '@switchyard/kit';
import { sql, type Kysely, type SelectQueryBuilder } from 'kysely';
import type { AddressRow, ContactRow, CustomerRow, CustomersDB } from './migrations';
import type { Address, Contact, Customer, CustomerFilter, CustomerStore } from './store';

export function createSqlCustomerStore(db: Kysely<CustomersDB>): CustomerStore {
  const filtered = (filter: CustomerFilter) => {
    let query = db.selectFrom('customers');
    const inScope = rowScopeCondition(filter.scope, {
      customerIds: 'id',
      channels: (channels) =>
        sql<boolean>`exists (select 1 from customer_channels where customer_channels.customer_id = customers.id and customer_channels.channel in (${sql.join(channels)}))`,
    });
    if (inScope) query = query.where(inScope);
    if (filter.status) query = query.where('status', '=', filter.status);
    if (filter.segment) query = query.where('segment', '=', filter.segment);
    if (filter.search) {
      const search = filter.search;
      query = query.where((eb) =>
        eb.or([
          containsIgnoringCase('name', search),
          containsIgnoringCase('account_number', search),
        ]),
      );
    }
    return query;
  };

  /** The customers with the channels each orders through (one more statement for all of them). */
  const withChannels = async (rows: CustomerRow[]): Promise<Customer[]> => {
    if (rows.length === 0) return [];
    const channels = new Map<string, string[]>(rows.map((row) => [row.id, []]));
    const known = await db
      .selectFrom('customer_channels')
      .select(['customer_id', 'channel'])
      .where(
        'customer_id',
        'in',
        rows.map((row) => row.id),
      )
      .orderBy('channel')
      .execute();
    for (const { customer_id, channel } of known) channels.get(customer_id)?.push(channel);
    return rows.map((row) => toCustomer(row, channels.get(row.id)!));
  };

  return {
    async customersByIds(ids) {
      if (ids.length === 0) return [];
      const rows = await db
        .selectFrom('customers')
        .selectAll()
        .where('id', 'in', [...ids])
        .execute();
      return withChannels(rows);
    },
    async customerByAccountNumber(accountNumber) {
      const row = await db
        .selectFrom('customers')
        .selectAll()
        .where('account_number', '=', accountNumber)
        .executeTakeFirst();
      return row && (await withChannels([row]))[0];
    },
    async listCustomers(filter, page) {
      let query = filtered(filter).selectAll() as SelectQueryBuilder<
        CustomersDB,
        'customers',
        CustomerRow
      >;
      if (page.afterKey) query = query.where('id', '>', page.afterKey);
      const rows = await query
        .orderBy('id')
        .limit(page.limit + 1)
        .execute();
      return withChannels(rows);
    },
    countCustomers(filter) {
      return countRows(filtered(filter));
    },
    async contactsByCustomerIds(ids) {
      if (ids.length === 0) return [];
      const rows = await db
        .selectFrom('contacts')
        .selectAll()
        .where('customer_id', 'in', [...ids])
        .orderBy('id')
        .execute();
      return rows.map(toContact);
    },
    async addressesByCustomerIds(ids) {
      if (ids.length === 0) return [];
      const rows = await db
        .selectFrom('addresses')
        .selectAll()
        .where('customer_id', 'in', [...ids])
        .orderBy('id')
        .execute();
      return rows.map(toAddress);
    },
    async recordCustomerChannel(customerId, channel) {
      const inserted = await db
        .insertInto('customer_channels')
        .values({ customer_id: customerId, channel })
        .onConflict((conflict) => conflict.columns(['customer_id', 'channel']).doNothing())
        .executeTakeFirst();
      return Number(inserted.numInsertedOrUpdatedRows ?? 0) > 0;
    },
  };
}

const toCustomer = (row: CustomerRow, channels: string[]): Customer => ({
  id: row.id,
  accountNumber: row.account_number,
  name: row.name,
  status: row.status as Customer['status'],
  segment: row.segment as Customer['segment'],
  paymentTerms: row.payment_terms as Customer['paymentTerms'],
  creditLimitCents: Number(row.credit_limit_cents),
  currency: row.currency,
  createdAt: row.created_at,
  channels,
});

const toContact = (row: ContactRow): Contact => ({
  id: row.id,
  customerId: row.customer_id,
  name: row.name,
  role: row.role,
  email: row.email,
  phone: row.phone,
  isPrimary: row.is_primary === 1,
});

const toAddress = (row: AddressRow): Address => ({
  id: row.id,
  customerId: row.customer_id,
  kind: row.kind as Address['kind'],
  name: row.name,
  line1: row.line1,
  line2: row.line2,
  city: row.city,
  region: row.region,
  postalCode: row.postal_code,
  country: row.country,
  isDefault: row.is_default === 1,
});
