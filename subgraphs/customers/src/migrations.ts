import type { Kysely, Migration } from 'kysely';

/** The customer master (CRM): accounts, their contacts and their bill-to / ship-to addresses. */
export const migrations: Record<string, Migration> = {
  '0001_customer_master': {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('customers')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('account_number', 'text', (c) => c.notNull().unique())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('segment', 'text', (c) => c.notNull())
        .addColumn('payment_terms', 'text', (c) => c.notNull())
        .addColumn('credit_limit_cents', 'bigint', (c) => c.notNull())
        .addColumn('currency', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('customers_name').on('customers').column('name').execute();
      await db.schema
        .createTable('contacts')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('customer_id', 'text', (c) => c.notNull().references('customers.id'))
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('role', 'text', (c) => c.notNull())
        .addColumn('email', 'text', (c) => c.notNull())
        .addColumn('phone', 'text', (c) => c.notNull())
        .addColumn('is_primary', 'integer', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('contacts_customer')
        .on('contacts')
        .column('customer_id')
        .execute();
      await db.schema
        .createTable('addresses')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('customer_id', 'text', (c) => c.notNull().references('customers.id'))
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('line1', 'text', (c) => c.notNull())
        .addColumn('line2', 'text')
        .addColumn('city', 'text', (c) => c.notNull())
        .addColumn('region', 'text', (c) => c.notNull())
        .addColumn('postal_code', 'text', (c) => c.notNull())
        .addColumn('country', 'text', (c) => c.notNull())
        .addColumn('is_default', 'integer', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('addresses_customer')
        .on('addresses')
        .column('customer_id')
        .execute();
    },
  },
  '0002_customer_channels': {
    /**
     * The channels each customer orders through, as orders announce them (customer-channels.ts) and the
     * seed writes them: a web store sees the customers of its channel's orders, and the customer master
     * must know which those are to decide a row without asking orders on every read.
     */
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('customer_channels')
        .addColumn('customer_id', 'text', (c) => c.notNull())
        .addColumn('channel', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('customer_channels_pk', ['customer_id', 'channel'])
        .execute();
      await db.schema
        .createIndex('customer_channels_channel')
        .on('customer_channels')
        .columns(['channel', 'customer_id'])
        .execute();
    },
  },
};

export interface CustomerRow {
  id: string;
  account_number: string;
  name: string;
  status: string;
  segment: string;
  payment_terms: string;
  credit_limit_cents: number;
  currency: string;
  created_at: string;
}
export interface ContactRow {
  id: string;
  customer_id: string;
  name: string;
  role: string;
  email: string;
  phone: string;
  is_primary: number;
}
export interface AddressRow {
  id: string;
  customer_id: string;
  kind: string;
  name: string;
  line1: string;
  line2: string | null;
  city: string;
  region: string;
  postal_code: string;
  country: string;
  is_default: number;
}
/** A channel a customer orders through (PORTAL, ECOMMERCE, EDI, SALES_REP, PHONE). */
export interface CustomerChannelRow {
  customer_id: string;
  channel: string;
}
export interface CustomersDB {
  customers: CustomerRow;
  contacts: ContactRow;
  addresses: AddressRow;
  customer_channels: CustomerChannelRow;
}
