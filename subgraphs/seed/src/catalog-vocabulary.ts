/**
 * What the distributor sells: a two-level category tree whose leaves carry the words product
 * names are made of, the units they are sold in and their usual list-price range.
 */
export interface LeafCategory {
  id: string;
  name: string;
  items: readonly string[];
  variants: readonly string[];
  finishes: readonly string[];
  units: readonly string[];
  /** Usual list price range in cents. */
  priceCents: readonly [number, number];
}

export interface TopCategory {
  id: string;
  name: string;
  /** The SKU prefix of its products, e.g. FAS-10023. */
  skuPrefix: string;
  blurb: string;
  leaves: readonly LeafCategory[];
}

export const CATEGORY_TREE: readonly TopCategory[] = [
  {
    id: 'CAT-FAS',
    name: 'Fasteners',
    skuPrefix: 'FAS',
    blurb: 'Meets ASTM and SAE dimensional standards.',
    leaves: [
      {
        id: 'CAT-FAS-BLT',
        name: 'Bolts',
        items: ['Hex Bolt', 'Carriage Bolt', 'Lag Bolt', 'Flange Bolt', 'Eye Bolt'],
        variants: [
          '1/4"-20 x 1"',
          '5/16"-18 x 1-1/2"',
          '3/8"-16 x 2"',
          '1/2"-13 x 3"',
          'M8 x 40mm',
          'M10 x 50mm',
        ],
        finishes: ['Zinc Plated', 'Hot-Dip Galvanized', 'Stainless 18-8', 'Grade 8 Yellow Zinc'],
        units: ['BX', 'EA'],
        priceCents: [600, 9000],
      },
      {
        id: 'CAT-FAS-NUT',
        name: 'Nuts & Washers',
        items: ['Hex Nut', 'Nylon Lock Nut', 'Flat Washer', 'Split Lock Washer', 'Flange Nut'],
        variants: ['1/4"', '5/16"', '3/8"', '1/2"', 'M8', 'M10'],
        finishes: ['Zinc Plated', 'Stainless 316', 'Plain Steel'],
        units: ['BX', 'PK'],
        priceCents: [300, 4500],
      },
      {
        id: 'CAT-FAS-SCR',
        name: 'Screws',
        items: [
          'Wood Screw',
          'Self-Drilling Screw',
          'Machine Screw',
          'Drywall Screw',
          'Deck Screw',
        ],
        variants: ['#8 x 1"', '#10 x 1-1/2"', '#12 x 2"', '1/4" x 3"'],
        finishes: ['Phillips, Zinc', 'Torx, Coated', 'Square Drive, Stainless'],
        units: ['BX', 'PK'],
        priceCents: [500, 6000],
      },
      {
        id: 'CAT-FAS-ANC',
        name: 'Anchors',
        items: [
          'Wedge Anchor',
          'Sleeve Anchor',
          'Drop-In Anchor',
          'Toggle Bolt',
          'Concrete Screw Anchor',
        ],
        variants: ['1/4" x 2-1/4"', '3/8" x 3"', '1/2" x 4-1/4"', '5/8" x 6"'],
        finishes: ['Zinc Plated', 'Stainless 304', 'Hot-Dip Galvanized'],
        units: ['BX', 'EA'],
        priceCents: [900, 12000],
      },
    ],
  },
  {
    id: 'CAT-ELE',
    name: 'Electrical',
    skuPrefix: 'ELE',
    blurb: 'UL listed.',
    leaves: [
      {
        id: 'CAT-ELE-WIR',
        name: 'Wire & Cable',
        items: [
          'THHN Building Wire',
          'Romex NM-B Cable',
          'MC Cable',
          'Tray Cable',
          'Bare Copper Ground Wire',
        ],
        variants: ['14 AWG', '12 AWG', '10 AWG', '8 AWG', '6 AWG'],
        finishes: ['500 ft Reel', 'Cut to Length', '250 ft Coil', '1000 ft Spool'],
        units: ['FT', 'RL'],
        priceCents: [40, 45000],
      },
      {
        id: 'CAT-ELE-CON',
        name: 'Conduit & Fittings',
        items: [
          'EMT Conduit',
          'PVC Conduit',
          'Rigid Conduit',
          'EMT Set Screw Coupling',
          'Liquidtight Connector',
        ],
        variants: ['1/2"', '3/4"', '1"', '1-1/4"', '2"'],
        finishes: ['10 ft Length', 'Steel', 'Zinc Die-Cast', 'Schedule 40'],
        units: ['EA', 'BX'],
        priceCents: [150, 6000],
      },
      {
        id: 'CAT-ELE-BRK',
        name: 'Breakers & Panels',
        items: ['Circuit Breaker', 'GFCI Breaker', 'AFCI Breaker', 'Load Center', 'Safety Switch'],
        variants: ['15A 1-Pole', '20A 1-Pole', '30A 2-Pole', '50A 2-Pole', '100A Main'],
        finishes: ['Plug-On', 'Bolt-On', 'Indoor NEMA 1', 'Outdoor NEMA 3R'],
        units: ['EA'],
        priceCents: [900, 45000],
      },
      {
        id: 'CAT-ELE-LGT',
        name: 'Lighting',
        items: [
          'LED High Bay',
          'LED Troffer',
          'LED Wall Pack',
          'LED T8 Tube',
          'Emergency Exit Sign',
        ],
        variants: ['2x4 ft', '150W', '40W', '4 ft', '24W'],
        finishes: ['4000K', '5000K', '3500K Dimmable', 'Battery Backup'],
        units: ['EA', 'CS'],
        priceCents: [600, 38000],
      },
    ],
  },
  {
    id: 'CAT-PLB',
    name: 'Plumbing',
    skuPrefix: 'PLB',
    blurb: 'Lead-free, NSF/ANSI 61 where in contact with drinking water.',
    leaves: [
      {
        id: 'CAT-PLB-PIP',
        name: 'Pipe',
        items: ['Copper Pipe Type L', 'PEX Tubing', 'PVC Pipe', 'CPVC Pipe', 'Black Iron Pipe'],
        variants: ['1/2"', '3/4"', '1"', '1-1/2"', '2"'],
        finishes: ['10 ft Length', '100 ft Coil', 'Schedule 40', 'Schedule 80'],
        units: ['EA', 'RL', 'FT'],
        priceCents: [120, 24000],
      },
      {
        id: 'CAT-PLB-FIT',
        name: 'Fittings',
        items: ['Elbow 90°', 'Tee', 'Coupling', 'Union', 'Reducer Bushing'],
        variants: ['1/2"', '3/4"', '1"', '1-1/4"', '2"'],
        finishes: ['Copper Sweat', 'PVC Slip', 'Brass Threaded', 'PEX Crimp'],
        units: ['EA', 'BX', 'PK'],
        priceCents: [90, 5500],
      },
      {
        id: 'CAT-PLB-VLV',
        name: 'Valves',
        items: ['Ball Valve', 'Gate Valve', 'Check Valve', 'Pressure Reducing Valve', 'Hose Bibb'],
        variants: ['1/2"', '3/4"', '1"', '1-1/2"', '2"'],
        finishes: ['Lead-Free Brass', 'Bronze', 'PVC', 'Stainless'],
        units: ['EA'],
        priceCents: [800, 32000],
      },
    ],
  },
  {
    id: 'CAT-SAF',
    name: 'Safety',
    skuPrefix: 'SAF',
    blurb: 'Meets ANSI/ISEA requirements.',
    leaves: [
      {
        id: 'CAT-SAF-GLV',
        name: 'Gloves',
        items: [
          'Nitrile Disposable Gloves',
          'Cut-Resistant Gloves',
          'Leather Work Gloves',
          'Impact Gloves',
          'Insulated Winter Gloves',
        ],
        variants: ['Size S', 'Size M', 'Size L', 'Size XL'],
        finishes: ['ANSI A4', 'ANSI A2', '5 mil', 'Hi-Vis Back'],
        units: ['BX', 'PK', 'CS'],
        priceCents: [700, 14000],
      },
      {
        id: 'CAT-SAF-EYE',
        name: 'Eye & Face Protection',
        items: [
          'Safety Glasses',
          'Safety Goggles',
          'Face Shield',
          'Welding Helmet',
          'Over-the-Glass Safety Glasses',
        ],
        variants: ['Clear Lens', 'Smoke Lens', 'Anti-Fog', 'Indoor/Outdoor Lens'],
        finishes: ['Z87.1+', 'Z87.1', 'Shade 10'],
        units: ['EA', 'BX'],
        priceCents: [300, 16000],
      },
      {
        id: 'CAT-SAF-HIV',
        name: 'Hi-Vis Apparel',
        items: ['Class 2 Safety Vest', 'Class 3 Safety Jacket', 'Hi-Vis T-Shirt', 'Rain Jacket'],
        variants: ['Size M', 'Size L', 'Size XL', 'Size 2XL'],
        finishes: ['Lime', 'Orange', 'Lime/Black'],
        units: ['EA', 'PK'],
        priceCents: [600, 9500],
      },
    ],
  },
  {
    id: 'CAT-JAN',
    name: 'Janitorial',
    skuPrefix: 'JAN',
    blurb: 'For commercial and institutional facilities.',
    leaves: [
      {
        id: 'CAT-JAN-CLN',
        name: 'Cleaners & Chemicals',
        items: [
          'All-Purpose Cleaner',
          'Disinfectant Concentrate',
          'Glass Cleaner',
          'Degreaser',
          'Floor Finish',
        ],
        variants: ['32 oz', '1 gal', '5 gal', '55 gal Drum'],
        finishes: ['Ready-to-Use', 'Concentrate', 'Unscented', 'Citrus'],
        units: ['CS', 'EA'],
        priceCents: [500, 60000],
      },
      {
        id: 'CAT-JAN-PAP',
        name: 'Paper Products',
        items: [
          'Multifold Towels',
          'Roll Towels',
          'Jumbo Toilet Tissue',
          'Facial Tissue',
          'Wipers',
        ],
        variants: ['16 Rolls', '4000 Sheets', '12 Rolls', '36 Boxes'],
        finishes: ['2-Ply', '1-Ply', 'Recycled', 'White'],
        units: ['CS'],
        priceCents: [2500, 11000],
      },
      {
        id: 'CAT-JAN-LIN',
        name: 'Can Liners',
        items: ['Trash Can Liner', 'Contractor Bag', 'Recycling Liner'],
        variants: ['33 gal', '45 gal', '55 gal', '60 gal'],
        finishes: ['1.5 mil', '2 mil', '3 mil', '0.9 mil Blue'],
        units: ['CS', 'RL'],
        priceCents: [1800, 9000],
      },
    ],
  },
  {
    id: 'CAT-TLS',
    name: 'Tools',
    skuPrefix: 'TLS',
    blurb: 'Professional grade, limited lifetime warranty.',
    leaves: [
      {
        id: 'CAT-TLS-HND',
        name: 'Hand Tools',
        items: [
          'Combination Wrench Set',
          'Screwdriver Set',
          'Adjustable Wrench',
          'Pipe Wrench',
          'Claw Hammer',
        ],
        variants: ['8"', '10"', '12"', '14-Piece', '6-Piece'],
        finishes: ['Chrome Vanadium', 'Fiberglass Handle', 'Cushion Grip'],
        units: ['EA'],
        priceCents: [900, 18000],
      },
      {
        id: 'CAT-TLS-PWR',
        name: 'Power Tools',
        items: [
          'Cordless Drill/Driver',
          'Impact Driver',
          'Reciprocating Saw',
          'Angle Grinder',
          'Rotary Hammer',
        ],
        variants: ['18V', '20V Max', '12V', 'Corded 7A'],
        finishes: ['Tool Only', 'Kit with 2 Batteries', 'Brushless'],
        units: ['EA'],
        priceCents: [7900, 59000],
      },
      {
        id: 'CAT-TLS-ABR',
        name: 'Abrasives',
        items: ['Cut-Off Wheel', 'Flap Disc', 'Sanding Disc', 'Grinding Wheel', 'Wire Wheel'],
        variants: ['4-1/2"', '5"', '6"', '7"'],
        finishes: ['40 Grit', '60 Grit', '80 Grit', '120 Grit'],
        units: ['BX', 'PK', 'EA'],
        priceCents: [400, 7500],
      },
    ],
  },
  {
    id: 'CAT-HVC',
    name: 'HVAC',
    skuPrefix: 'HVC',
    blurb: 'For residential and light commercial systems.',
    leaves: [
      {
        id: 'CAT-HVC-FLT',
        name: 'Air Filters',
        items: ['Pleated Air Filter', 'Fiberglass Filter', 'Bag Filter', 'Carbon Filter'],
        variants: ['16x20x1', '20x25x1', '20x20x2', '24x24x4'],
        finishes: ['MERV 8', 'MERV 11', 'MERV 13'],
        units: ['CS', 'EA'],
        priceCents: [400, 12000],
      },
      {
        id: 'CAT-HVC-DCT',
        name: 'Duct & Venting',
        items: ['Flexible Duct', 'Spiral Pipe', 'Register', 'Duct Tape', 'Damper'],
        variants: ['4"', '6"', '8"', '10"', '12"'],
        finishes: ['Insulated R6', 'Galvanized', 'White Steel', 'Foil UL 181'],
        units: ['EA', 'RL'],
        priceCents: [500, 9000],
      },
    ],
  },
];

/** How a unit of measure reads in a description. */
export const UNIT_PHRASES: Readonly<Record<string, string>> = {
  EA: 'Sold individually.',
  BX: 'Sold by the box.',
  CS: 'Sold by the case.',
  PK: 'Sold by the pack.',
  FT: 'Sold by the foot.',
  RL: 'Sold by the roll.',
};

/** The price lists the distributor maintains, with the share of the catalogue on them and their discount off list. */
export const PRICE_LISTS = [
  {
    id: 'PL-STANDARD',
    code: 'STANDARD',
    name: 'Standard Price List',
    coverage: 0.4,
    discount: [0.03, 0.06],
  },
  {
    id: 'PL-WHOLESALE-A',
    code: 'WHOLESALE-A',
    name: 'Wholesale Tier A',
    coverage: 0.6,
    discount: [0.12, 0.2],
  },
  {
    id: 'PL-CONTRACTOR-B',
    code: 'CONTRACTOR-B',
    name: 'Contractor Tier B',
    coverage: 0.5,
    discount: [0.08, 0.15],
  },
  {
    id: 'PL-GOV-NET',
    code: 'GOV-NET',
    name: 'Government Net Pricing',
    coverage: 0.35,
    discount: [0.18, 0.25],
  },
] as const;

/** Which price list each segment usually gets (some customers get none: list price). */
export const PRICE_LIST_BY_SEGMENT: Readonly<Record<string, string>> = {
  WHOLESALE: 'PL-WHOLESALE-A',
  CONTRACTOR: 'PL-CONTRACTOR-B',
  INSTITUTIONAL: 'PL-GOV-NET',
  RETAIL: 'PL-STANDARD',
};
