import { builder } from './builder';

export const ProductStatus = builder.enumType('ProductStatus', {
  description:
    'ACTIVE products are sold; DISCONTINUED ones are no longer replenished but still shown and priced (open orders, history).',
  values: ['ACTIVE', 'DISCONTINUED'] as const,
});

export const UnitOfMeasure = builder.enumType('UnitOfMeasure', {
  description:
    'The unit a product is sold, priced and stocked in; every quantity of the product counts these units.',
  values: {
    EA: { description: 'Each (one piece).' },
    BX: { description: 'Box.' },
    CS: { description: 'Case.' },
    PK: { description: 'Pack.' },
    FT: { description: 'Foot (wire, pipe and tubing cut to length).' },
    RL: { description: 'Roll.' },
  } as const,
});

export const PricingRule = builder.enumType('PricingRule', {
  description:
    "Which rule priced a line, in order of precedence: CONTRACT (the customer's contract price valid today), QUANTITY_BREAK (a break the quantity reaches, cheaper than the base), PRICE_LIST (the customer's price list), LIST (the list price).",
  values: ['CONTRACT', 'QUANTITY_BREAK', 'PRICE_LIST', 'LIST'] as const,
});
