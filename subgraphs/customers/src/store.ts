import type { PageRequest, RowScope } from '@switchyard/kit';

/**
 * The customer master as the graph sees it. The built-in implementation is SQL
 * (sql-store.ts); a CRM connector implements the same interface.
 */
export interface CustomerStore {
  customersByIds(ids: readonly string[]): Promise<Customer[]>;
  customerByAccountNumber(accountNumber: string): Promise<Customer | undefined>;
  /** Up to `page.limit + 1` customers ordered by id, after `page.afterKey`. */
  listCustomers(filter: CustomerFilter, page: PageRequest): Promise<Customer[]>;
  countCustomers(filter: CustomerFilter): Promise<number>;
  contactsByCustomerIds(ids: readonly string[]): Promise<Contact[]>;
  addressesByCustomerIds(ids: readonly string[]): Promise<Address[]>;
  /** Records that the customer ordered through `channel` (OrderAccepted, OrderHeld); false when known already. */
  recordCustomerChannel(customerId: string, channel: string): Promise<boolean>;
}

export type CustomerStatus = 'ACTIVE' | 'ON_HOLD' | 'INACTIVE';
export type CustomerSegment = 'WHOLESALE' | 'CONTRACTOR' | 'RETAIL' | 'INSTITUTIONAL';
export type PaymentTerms = 'NET15' | 'NET30' | 'NET45' | 'NET60' | 'COD';
export type AddressKind = 'BILL_TO' | 'SHIP_TO';

export interface Customer {
  id: string;
  accountNumber: string;
  name: string;
  status: CustomerStatus;
  segment: CustomerSegment;
  paymentTerms: PaymentTerms;
  creditLimitCents: number;
  currency: string;
  createdAt: string;
  /** The channels it has ordered through (orders' channels, learnt from their events): a store's channel sees its customers. */
  channels: string[];
}

export interface Contact {
  id: string;
  customerId: string;
  name: string;
  role: string;
  email: string;
  phone: string;
  isPrimary: boolean;
}

export interface Address {
  id: string;
  customerId: string;
  kind: AddressKind;
  name: string;
  line1: string;
  line2: string | null;
  city: string;
  region: string;
  postalCode: string;
  country: string;
  isDefault: boolean;
}

export interface CustomerFilter {
  status?: CustomerStatus | null;
  segment?: CustomerSegment | null;
  /** Case-insensitive match on name or account number. */
  search?: string | null;
  /** Only the customers the caller may see (row-level security); absent or null: all. */
  scope?: RowScope;
}
