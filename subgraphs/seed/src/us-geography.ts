/**
 * The slice of the United States the seed customers live in: real cities with their ZIP prefixes,
 * the warehouse region that serves each state, and a sales-tax rate (basis points) for every
 * state, so every ship-to region has a row in finance.tax_rates.
 */

/** The four base distribution centres; every state is served by one of them. */
export type Hub = 'ATL' | 'DAL' | 'CHI' | 'RNO';

export interface UsState {
  code: string;
  hub: Hub;
  /** [city, first three digits of its ZIP codes] */
  cities: readonly (readonly [string, string])[];
}

export const CUSTOMER_STATES: readonly UsState[] = [
  {
    code: 'GA',
    hub: 'ATL',
    cities: [
      ['Atlanta', '303'],
      ['Savannah', '314'],
      ['Macon', '312'],
    ],
  },
  {
    code: 'FL',
    hub: 'ATL',
    cities: [
      ['Jacksonville', '322'],
      ['Tampa', '336'],
      ['Orlando', '328'],
      ['Miami', '331'],
    ],
  },
  {
    code: 'AL',
    hub: 'ATL',
    cities: [
      ['Birmingham', '352'],
      ['Montgomery', '361'],
    ],
  },
  {
    code: 'SC',
    hub: 'ATL',
    cities: [
      ['Columbia', '292'],
      ['Charleston', '294'],
    ],
  },
  {
    code: 'NC',
    hub: 'ATL',
    cities: [
      ['Charlotte', '282'],
      ['Raleigh', '276'],
      ['Greensboro', '274'],
    ],
  },
  {
    code: 'TN',
    hub: 'ATL',
    cities: [
      ['Nashville', '372'],
      ['Memphis', '381'],
      ['Knoxville', '379'],
    ],
  },
  {
    code: 'VA',
    hub: 'ATL',
    cities: [
      ['Richmond', '232'],
      ['Norfolk', '235'],
    ],
  },
  {
    code: 'TX',
    hub: 'DAL',
    cities: [
      ['Dallas', '752'],
      ['Houston', '770'],
      ['Austin', '787'],
      ['San Antonio', '782'],
      ['Fort Worth', '761'],
    ],
  },
  {
    code: 'OK',
    hub: 'DAL',
    cities: [
      ['Oklahoma City', '731'],
      ['Tulsa', '741'],
    ],
  },
  {
    code: 'LA',
    hub: 'DAL',
    cities: [
      ['New Orleans', '701'],
      ['Baton Rouge', '708'],
    ],
  },
  { code: 'AR', hub: 'DAL', cities: [['Little Rock', '722']] },
  { code: 'KS', hub: 'DAL', cities: [['Wichita', '672']] },
  { code: 'NM', hub: 'DAL', cities: [['Albuquerque', '871']] },
  {
    code: 'IL',
    hub: 'CHI',
    cities: [
      ['Chicago', '606'],
      ['Springfield', '627'],
      ['Peoria', '616'],
    ],
  },
  {
    code: 'IN',
    hub: 'CHI',
    cities: [
      ['Indianapolis', '462'],
      ['Fort Wayne', '468'],
    ],
  },
  {
    code: 'OH',
    hub: 'CHI',
    cities: [
      ['Columbus', '432'],
      ['Cleveland', '441'],
      ['Cincinnati', '452'],
    ],
  },
  {
    code: 'MI',
    hub: 'CHI',
    cities: [
      ['Detroit', '482'],
      ['Grand Rapids', '495'],
    ],
  },
  {
    code: 'WI',
    hub: 'CHI',
    cities: [
      ['Milwaukee', '532'],
      ['Madison', '537'],
    ],
  },
  {
    code: 'MN',
    hub: 'CHI',
    cities: [
      ['Minneapolis', '554'],
      ['Saint Paul', '551'],
    ],
  },
  {
    code: 'MO',
    hub: 'CHI',
    cities: [
      ['St. Louis', '631'],
      ['Kansas City', '641'],
    ],
  },
  { code: 'IA', hub: 'CHI', cities: [['Des Moines', '503']] },
  {
    code: 'PA',
    hub: 'CHI',
    cities: [
      ['Pittsburgh', '152'],
      ['Philadelphia', '191'],
    ],
  },
  {
    code: 'NY',
    hub: 'CHI',
    cities: [
      ['Buffalo', '142'],
      ['Albany', '122'],
    ],
  },
  {
    code: 'NJ',
    hub: 'CHI',
    cities: [
      ['Newark', '071'],
      ['Trenton', '086'],
    ],
  },
  {
    code: 'NV',
    hub: 'RNO',
    cities: [
      ['Reno', '895'],
      ['Las Vegas', '891'],
    ],
  },
  {
    code: 'CA',
    hub: 'RNO',
    cities: [
      ['Sacramento', '958'],
      ['Fresno', '937'],
      ['Los Angeles', '900'],
      ['San Diego', '921'],
      ['Oakland', '946'],
    ],
  },
  {
    code: 'OR',
    hub: 'RNO',
    cities: [
      ['Portland', '972'],
      ['Eugene', '974'],
    ],
  },
  {
    code: 'WA',
    hub: 'RNO',
    cities: [
      ['Seattle', '981'],
      ['Spokane', '992'],
      ['Tacoma', '984'],
    ],
  },
  { code: 'UT', hub: 'RNO', cities: [['Salt Lake City', '841']] },
  {
    code: 'AZ',
    hub: 'RNO',
    cities: [
      ['Phoenix', '850'],
      ['Tucson', '857'],
    ],
  },
  {
    code: 'CO',
    hub: 'RNO',
    cities: [
      ['Denver', '802'],
      ['Colorado Springs', '809'],
    ],
  },
  { code: 'ID', hub: 'RNO', cities: [['Boise', '837']] },
];

/** State sales-tax rates in basis points (625 = 6.25%); states without a sales tax are 0. */
export const SALES_TAX_BPS: Readonly<Record<string, number>> = {
  AL: 400,
  AK: 0,
  AZ: 560,
  AR: 650,
  CA: 725,
  CO: 290,
  CT: 635,
  DE: 0,
  DC: 600,
  FL: 600,
  GA: 400,
  HI: 400,
  ID: 600,
  IL: 625,
  IN: 700,
  IA: 600,
  KS: 650,
  KY: 600,
  LA: 445,
  ME: 550,
  MD: 600,
  MA: 625,
  MI: 600,
  MN: 688,
  MS: 700,
  MO: 423,
  MT: 0,
  NE: 550,
  NV: 685,
  NH: 0,
  NJ: 663,
  NM: 488,
  NY: 400,
  NC: 475,
  ND: 500,
  OH: 575,
  OK: 450,
  OR: 0,
  PA: 600,
  RI: 700,
  SC: 600,
  SD: 420,
  TN: 700,
  TX: 625,
  UT: 610,
  VT: 600,
  VA: 530,
  WA: 650,
  WV: 600,
  WI: 500,
  WY: 400,
};
