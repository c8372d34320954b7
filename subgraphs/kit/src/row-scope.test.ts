import { rowScopeOf, rowVisible } from './row-scope';

const tenant = { customerIds: ['CUS-0001'], carrierIds: ['CAR-FASTFREIGHT'] };

test('internal, portal and service callers see every row; the others get the scope of their kind', () => {
  expect(rowScopeOf({ kind: 'internal', tenant: null })).toBeNull();
  expect(rowScopeOf({ kind: 'portal', tenant: null })).toBeNull();
  expect(rowScopeOf({ kind: 'service', tenant: null })).toBeNull();
  expect(rowScopeOf({ kind: 'distributor', tenant })).toEqual({ customerIds: ['CUS-0001'] });
  expect(rowScopeOf({ kind: '3pl', tenant })).toEqual({ carrierIds: ['CAR-FASTFREIGHT'] });
  expect(rowScopeOf({ kind: 'ecommerce', tenant: null })).toEqual({ channels: ['ECOMMERCE'] });
  expect(rowScopeOf({ kind: 'ecommerce', tenant })).toEqual({
    channels: ['ECOMMERCE'],
    customerIds: ['CUS-0001'],
  });
});

test('a distributor or 3pl without a tenant, or a caller of an unknown kind, sees no row', () => {
  expect(rowScopeOf({ kind: 'distributor', tenant: null })).toEqual({ customerIds: [] });
  expect(rowScopeOf({ kind: '3pl', tenant: null })).toEqual({ carrierIds: [] });
  expect(rowScopeOf({ kind: 'partner' as never, tenant: null })).toEqual({ customerIds: [] });
  // A tenant list that is not a list (a string would match by substring) grants nothing.
  expect(
    rowScopeOf({
      kind: 'distributor',
      tenant: { customerIds: 'CUS-0001CUS-0002' as never, carrierIds: [] },
    }),
  ).toEqual({ customerIds: [] });
});

test('a row is visible when it matches every restricted dimension, and hidden when it lacks one (fail closed)', () => {
  const distributor = { customerIds: ['CUS-0001'] };
  expect(rowVisible(distributor, { customerIds: 'CUS-0001', channels: 'EDI' })).toBe(true);
  expect(rowVisible(distributor, { customerIds: 'CUS-0002' })).toBe(false);
  const threePl = { carrierIds: ['CAR-FASTFREIGHT'] };
  expect(rowVisible(threePl, { customerIds: 'CUS-0002', carrierIds: 'CAR-FASTFREIGHT' })).toBe(
    true,
  );
  expect(rowVisible(threePl, { customerIds: 'CUS-0002' })).toBe(false);
  expect(rowVisible({ channels: ['ECOMMERCE'] }, { customerIds: 'CUS-0002' })).toBe(false);
  expect(rowVisible(null, {})).toBe(true);
});

test('a signed-in end user narrows any kind to its customer, within the tenant, and drops the store channel', () => {
  const endUser = { endUserCustomerId: 'CUS-0003' };
  expect(rowScopeOf({ kind: 'ecommerce', tenant: null, ...endUser })).toEqual({
    customerIds: ['CUS-0003'],
  });
  expect(rowScopeOf({ kind: 'internal', tenant: null, ...endUser })).toEqual({
    customerIds: ['CUS-0003'],
  });
  // Never wider than the consumer: a customer outside its tenant sees nothing, a carrier bound stays.
  expect(rowScopeOf({ kind: 'distributor', tenant, ...endUser })).toEqual({ customerIds: [] });
  expect(rowScopeOf({ kind: 'distributor', tenant, endUserCustomerId: 'CUS-0001' })).toEqual({
    customerIds: ['CUS-0001'],
  });
  expect(rowScopeOf({ kind: '3pl', tenant, ...endUser })).toEqual({
    customerIds: ['CUS-0003'],
    carrierIds: ['CAR-FASTFREIGHT'],
  });
});

test('a row carrying several values of a dimension is visible when one of them is in scope', () => {
  const threePl = { carrierIds: ['CAR-FASTFREIGHT'] };
  expect(rowVisible(threePl, { carrierIds: ['CAR-UPS', 'CAR-FASTFREIGHT'] })).toBe(true);
  expect(rowVisible(threePl, { carrierIds: ['CAR-UPS'] })).toBe(false);
  expect(rowVisible(threePl, { carrierIds: [] })).toBe(false);
  expect(rowVisible({ channels: ['ECOMMERCE'] }, { customerIds: 'C', channels: ['EDI'] })).toBe(
    false,
  );
});
