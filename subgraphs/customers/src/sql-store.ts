import { containsIgnoringCase, countRows, rowScopeCondition } from '@switchyard/kit';
import type { Kysely, SelectQueryBuilder } from 'kysely';
import type { AddressRow, ContactRow, CustomerRow, CustomersDB } from './migrations';
import type { Address, Contact, Customer, CustomerFilter, CustomerStore } from './store';

export function createSqlCustomerStore(db: Kysely<CustomersDB>): CustomerStore {
  const filtered = (filter: CustomerFilter) => {
    let query = db.selectFrom('customers');
    const inScope = rowScopeCondition(filter.scope, { customerIds: 'id' });
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

  return {
    async customersByIds(ids) {
      if (ids.length === 0) return [];
      const rows = await db
        .selectFrom('customers')
        .selectAll()
        .where('id', 'in', [...ids])
        .execute();
      return rows.map(toCustomer);
    },
    async customerByAccountNumber(accountNumber) {
      const row = await db
        .selectFrom('customers')
        .selectAll()
        .where('account_number', '=', accountNumber)
        .executeTakeFirst();
      return row && toCustomer(row);
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
      return rows.map(toCustomer);
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
  };
}

const toCustomer = (row: CustomerRow): Customer => ({
  id: row.id,
  accountNumber: row.account_number,
  name: row.name,
  status: row.status as Customer['status'],
  segment: row.segment as Customer['segment'],
  paymentTerms: row.payment_terms as Customer['paymentTerms'],
  creditLimitCents: Number(row.credit_limit_cents),
  currency: row.currency,
  createdAt: row.created_at,
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
