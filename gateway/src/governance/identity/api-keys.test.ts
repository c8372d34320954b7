import { ApiKeyIndex, hashApiKey } from './api-keys';

test('hashes a key to the hex sha-256 that `echo -n KEY | sha256sum` prints', () => {
  expect(hashApiKey('dev-sales-portal')).toBe(
    'f1a8af55384ec2c4a35a82228f62f01a9f9b5dd1f34b086817a0d482380ff2c5',
  );
});

test('finds the consumer holding a key among several, and none for a key nobody holds', () => {
  const index = new ApiKeyIndex([
    { sha256: hashApiKey('key-a'), consumerId: 'a' },
    { sha256: hashApiKey('key-b1'), consumerId: 'b' },
    { sha256: hashApiKey('key-b2'), consumerId: 'b' },
  ]);
  expect(index.consumerOf('key-a')).toBe('a');
  expect(index.consumerOf('key-b2')).toBe('b');
  expect(index.consumerOf('key-c')).toBeNull();
  expect(index.consumerOf(hashApiKey('key-a'))).toBeNull();
  expect(index.consumerOf('')).toBeNull();
});

test('refuses a registered hash that is not a lowercase hex sha-256', () => {
  expect(() => new ApiKeyIndex([{ sha256: 'key-a', consumerId: 'a' }])).toThrow(
    'the API key hash of consumer "a" is not a lowercase hex SHA-256',
  );
});

test('a key found before is found again (remembered as presented); unknown keys stay unknown however often they are tried', () => {
  const index = new ApiKeyIndex([
    { sha256: hashApiKey('key-a'), consumerId: 'a' },
    { sha256: hashApiKey('key-b'), consumerId: 'b' },
  ]);
  for (let i = 0; i < 3; i++) {
    expect(index.consumerOf('key-a')).toBe('a');
    expect(index.consumerOf('key-a ')).toBeNull();
    expect(index.consumerOf(`guess-${i}`)).toBeNull();
  }
  expect(index.consumerOf('key-b')).toBe('b');
  expect(index.consumerOf('KEY-A')).toBeNull();
});
