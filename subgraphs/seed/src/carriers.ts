import type { CarrierRow } from '@switchyard/shipments/src/migrations';
import type { Random } from './random';

/** The carriers the distributor ships with, where their freight passes through, and how their tracking numbers look. */
export interface CarrierProfile {
  row: CarrierRow;
  hubs: readonly string[];
  /** A tracking number unique to shipment `n`. */
  trackingNumber(random: Random, n: number): string;
}

const pad = (n: number, width: number) => String(n).padStart(width, '0');

export const CARRIERS: Record<'UPS' | 'FEDEX' | 'XPO' | 'FASTFREIGHT', CarrierProfile> = {
  UPS: {
    row: {
      id: 'CAR-UPS',
      code: 'UPS',
      name: 'United Parcel Service',
      scac: 'UPSN',
      mode: 'PARCEL',
    },
    hubs: ['Louisville, KY', 'Hodgkins, IL', 'Dallas, TX', 'Ontario, CA'],
    trackingNumber: (random, n) =>
      `1Z4W7${random.faker.string.alphanumeric({ length: 3, casing: 'upper' })}03${pad(n, 8)}`,
  },
  FEDEX: {
    row: { id: 'CAR-FEDEX', code: 'FEDEX', name: 'FedEx Ground', scac: 'FDEG', mode: 'PARCEL' },
    hubs: ['Memphis, TN', 'Indianapolis, IN', 'Fort Worth, TX', 'Sacramento, CA'],
    trackingNumber: (random, n) => `7${random.digits(5)}${pad(n, 6)}`,
  },
  XPO: {
    row: { id: 'CAR-XPO', code: 'XPO', name: 'XPO Logistics', scac: 'CNWY', mode: 'LTL' },
    hubs: ['Nashville, TN', 'Joliet, IL', 'Dallas, TX', 'Salt Lake City, UT'],
    trackingNumber: (random, n) => `${random.digits(3)}${pad(n, 7)}`,
  },
  FASTFREIGHT: {
    row: {
      id: 'CAR-FASTFREIGHT',
      code: 'FASTFREIGHT',
      name: 'FastFreight Logistics',
      scac: 'FFLG',
      mode: 'LTL',
    },
    hubs: ['Atlanta, GA', 'Columbus, OH', 'Oklahoma City, OK', 'Las Vegas, NV'],
    trackingNumber: (random, n) => `FF${random.digits(4)}${pad(n, 6)}`,
  },
};

/** Parcel goes mostly by UPS and FedEx; freight by XPO; FastFreight, the 3PL, takes a good share of both. */
export function chooseCarrier(
  random: Random,
  freight: boolean,
): { carrier: CarrierProfile; serviceLevel: string } {
  if (freight)
    return {
      carrier:
        CARRIERS[
          random.weighted([
            ['XPO', 45],
            ['FASTFREIGHT', 55],
          ] as const)
        ],
      serviceLevel: 'LTL',
    };
  const carrier =
    CARRIERS[
      random.weighted([
        ['UPS', 40],
        ['FEDEX', 30],
        ['FASTFREIGHT', 30],
      ] as const)
    ];
  return {
    carrier,
    serviceLevel: random.weighted([
      ['GROUND', 70],
      ['TWO_DAY', 20],
      ['OVERNIGHT', 10],
    ]),
  };
}
