import type {
  AddressRow,
  ContactRow,
  CustomerRow,
  CustomersDB,
} from '@switchyard/customers/src/migrations';
import { DAY_MS, ANCHOR_MS, iso } from './clock';
import type { Tables } from './dataset';
import { sequentialId } from './ids';
import type { Random } from './random';
import { CUSTOMER_STATES } from './us-geography';

/** The distributor partner the governance work relies on: always CUS-0001, active, on wholesale terms. */
export const ACME = { id: 'CUS-0001', name: 'Acme Industrial Supply' };

/** Days from invoice to due date for each payment term. */
export const PAYMENT_TERMS_DAYS: Readonly<Record<string, number>> = {
  COD: 0,
  NET15: 15,
  NET30: 30,
  NET45: 45,
  NET60: 60,
};

const TRADES = [
  'Industrial Supply',
  'Electric Supply',
  'Plumbing & Heating',
  'Building Products',
  'Mechanical',
  'Facility Services',
  'Contractors',
  'Maintenance Supply',
  'HVAC Services',
  'Hardware',
  'Construction',
  'Property Management',
  'Fabrication',
  'Utilities Co-op',
];
const INSTITUTIONS = [
  'School District',
  'County Facilities',
  'State University',
  'Regional Hospital',
  'City Public Works',
];
const CONTACT_ROLES = ['BUYER', 'ACCOUNTS_PAYABLE', 'PURCHASING_MANAGER', 'OWNER', 'RECEIVING'];
const SITE_NAMES = [
  'Main Warehouse',
  'Branch',
  'Job Site',
  'Service Center',
  'Yard',
  'Receiving Dock',
];

const SEGMENTS = [
  ['WHOLESALE', 35],
  ['CONTRACTOR', 35],
  ['RETAIL', 18],
  ['INSTITUTIONAL', 12],
] as const;
const TERMS_BY_SEGMENT: Record<string, readonly (readonly [string, number])[]> = {
  WHOLESALE: [
    ['NET30', 60],
    ['NET45', 20],
    ['NET60', 10],
    ['NET15', 10],
  ],
  CONTRACTOR: [
    ['NET30', 55],
    ['NET15', 25],
    ['COD', 15],
    ['NET45', 5],
  ],
  RETAIL: [
    ['COD', 50],
    ['NET15', 35],
    ['NET30', 15],
  ],
  INSTITUTIONAL: [
    ['NET45', 40],
    ['NET60', 35],
    ['NET30', 25],
  ],
};
/** Credit limits in whole dollars, by segment. */
const CREDIT_DOLLARS: Record<string, readonly [number, number]> = {
  WHOLESALE: [50_000, 500_000],
  CONTRACTOR: [10_000, 150_000],
  RETAIL: [2_000, 25_000],
  INSTITUTIONAL: [25_000, 300_000],
};

export function generateCustomers(random: Random, count: number): Tables<CustomersDB> {
  const customers: CustomerRow[] = [];
  const contacts: ContactRow[] = [];
  const addresses: AddressRow[] = [];
  const names = new Set<string>([ACME.name]);

  for (let n = 1; n <= count; n++) {
    const isAcme = n === 1;
    const segment = isAcme ? 'WHOLESALE' : random.weighted(SEGMENTS);
    const terms = isAcme ? 'NET30' : random.weighted(TERMS_BY_SEGMENT[segment]);
    const [minCredit, maxCredit] = CREDIT_DOLLARS[segment];
    const customer: CustomerRow = {
      id: sequentialId('CUS', n, 4),
      account_number: `A${10000 + n}`,
      name: isAcme ? ACME.name : uniqueName(random, segment, names),
      status: isAcme
        ? 'ACTIVE'
        : random.weighted([
            ['ACTIVE', 85],
            ['ON_HOLD', 10],
            ['INACTIVE', 5],
          ]),
      segment,
      payment_terms: terms,
      credit_limit_cents: isAcme
        ? 250_000_00
        : Math.round(random.between(minCredit, maxCredit) / 1000) * 1000 * 100,
      currency: 'USD',
      // customers are at least ~7 months old, so every order is placed after its customer was created
      created_at: iso(ANCHOR_MS - random.int(200, 2500) * DAY_MS - random.int(0, 23) * 3_600_000),
    };
    customers.push(customer);
    contacts.push(...customerContacts(random, customer, contacts.length));
    addresses.push(...customerAddresses(random, customer, addresses.length));
  }
  // The channels customers order through are known once orders exist (generate.ts).
  return { customers, contacts, addresses, customer_channels: [] };
}

function uniqueName(random: Random, segment: string, taken: Set<string>): string {
  for (;;) {
    const name =
      segment === 'INSTITUTIONAL'
        ? `${random.pick(CUSTOMER_STATES).cities[0][0]} ${random.pick(INSTITUTIONS)}`
        : `${random.faker.person.lastName()}${random.chance(0.3) ? ` & ${random.faker.person.lastName()}` : ''} ${random.pick(TRADES)}`;
    if (!taken.has(name)) {
      taken.add(name);
      return name;
    }
  }
}

function emailDomain(name: string): string {
  return `${name.toLowerCase().replace(/[^a-z0-9]+/g, '')}.example.com`;
}

function customerContacts(random: Random, customer: CustomerRow, existing: number): ContactRow[] {
  const roles = random.sample(
    CONTACT_ROLES,
    random.weighted([
      [1, 35],
      [2, 40],
      [3, 25],
    ]),
  );
  return roles.map((role, i) => {
    const firstName = random.faker.person.firstName();
    const lastName = random.faker.person.lastName();
    return {
      id: sequentialId('CON', existing + i + 1, 6),
      customer_id: customer.id,
      name: `${firstName} ${lastName}`,
      role,
      email: `${firstName}.${lastName}@${emailDomain(customer.name)}`
        .toLowerCase()
        .replace(/[^a-z0-9.@-]/g, ''),
      phone: random.faker.phone.number({ style: 'national' }),
      is_primary: i === 0 ? 1 : 0,
    };
  });
}

/** One default bill-to and one to three ship-to sites, mostly in the home state. */
function customerAddresses(random: Random, customer: CustomerRow, existing: number): AddressRow[] {
  const home = customer.id === 'CUS-0001' ? CUSTOMER_STATES[0] : random.pick(CUSTOMER_STATES);
  const shipTos = random.weighted([
    [1, 45],
    [2, 35],
    [3, 20],
  ]);
  const rows: AddressRow[] = [];
  for (let i = 0; i <= shipTos; i++) {
    const isBillTo = i === 0;
    const state = isBillTo || random.chance(0.7) ? home : random.pick(CUSTOMER_STATES);
    const [city, zip3] = random.pick(state.cities);
    rows.push({
      id: sequentialId('ADR', existing + i + 1, 6),
      customer_id: customer.id,
      kind: isBillTo ? 'BILL_TO' : 'SHIP_TO',
      name: isBillTo ? 'Accounts Payable' : `${random.pick(SITE_NAMES)} – ${city}`,
      line1: random.faker.location.streetAddress(),
      line2: random.chance(0.25) ? random.faker.location.secondaryAddress() : null,
      city,
      region: state.code,
      postal_code: `${zip3}${random.digits(2)}`,
      country: 'US',
      // the first ship-to is the default one
      is_default: isBillTo || i === 1 ? 1 : 0,
    });
  }
  return rows;
}
