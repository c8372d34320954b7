import { ManifestReasonCode, operationId, readOperationManifest } from './operation-manifest';

const ORDER = 'query Order($id: ID!) { order(id: $id) { id status } }';
const entry = (body: string, name: string, type = 'query') => ({
  id: operationId(body),
  name,
  type,
  body,
});
const manifest = (operations: unknown[]) => ({
  format: 'apollo-persisted-query-manifest',
  version: 1,
  operations,
});

describe('reading an apollo-persisted-query-manifest', () => {
  test('answers the operations of a well-formed manifest', () => {
    const reading = readOperationManifest(manifest([entry(ORDER, 'Order')]));
    expect(reading).toEqual({
      entries: [
        {
          index: 0,
          operation: { id: operationId(ORDER), name: 'Order', type: 'query', body: ORDER },
        },
      ],
      reasons: [],
    });
  });

  test('an operation id is the lowercase hex sha-256 of the exact body', () => {
    expect(operationId('{ __typename }')).toBe(
      '7f56e67dd21ab3f30d1ff8b7bed08893f0a0db86449836189b361dd1e56ddb4b',
    );
  });

  test('refuses something that is not a manifest, naming the envelope fields that are wrong', () => {
    expect(readOperationManifest('nope')).toEqual({
      entries: [],
      reasons: [
        {
          code: 'INVALID_MANIFEST',
          message: 'manifest must be a JSON object in the apollo-persisted-query-manifest format',
        },
      ],
    });
    const reading = readOperationManifest({ format: 'relay', version: 2 });
    expect(reading.entries).toEqual([]);
    expect(reading.reasons.map((r) => r.message)).toEqual([
      'format must be "apollo-persisted-query-manifest"',
      'version must be 1 (the only version of the format)',
      'operations must be a list of operations',
    ]);
  });

  test('gives every reason of every malformed operation, with its index, id and name, and keeps the well-formed ones', () => {
    const reading = readOperationManifest(
      manifest([
        entry(ORDER, 'Order'),
        { id: operationId(ORDER).toUpperCase(), name: '', type: 'fragment', body: ORDER },
        { name: 'NoBody', type: 'query' },
        42,
      ]),
    );
    expect(reading.entries.map((e) => e.index)).toEqual([0]);
    expect(reading.reasons).toEqual([
      {
        code: 'INVALID_MANIFEST',
        message: 'operations[1].id must be a sha-256 in lowercase hex (64 characters)',
        operation: { index: 1, id: operationId(ORDER).toUpperCase(), name: '' },
      },
      {
        code: 'INVALID_MANIFEST',
        message: 'operations[1].name must not be empty',
        operation: { index: 1, id: operationId(ORDER).toUpperCase(), name: '' },
      },
      {
        code: 'INVALID_MANIFEST',
        message: 'operations[1].type must be one of query, mutation, subscription',
        operation: { index: 1, id: operationId(ORDER).toUpperCase(), name: '' },
      },
      {
        code: 'INVALID_MANIFEST',
        message: 'operations[2].id is required',
        operation: { index: 2, name: 'NoBody' },
      },
      {
        code: 'INVALID_MANIFEST',
        message: 'operations[2].body is required',
        operation: { index: 2, name: 'NoBody' },
      },
      {
        code: 'INVALID_MANIFEST',
        message: 'operations[3] must be an object with id, name, type and body',
        operation: { index: 3 },
      },
    ]);
  });

  test('refuses an id that is not the sha-256 of its body, and an id used twice', () => {
    const other = '{ __typename }';
    const reading = readOperationManifest(
      manifest([
        entry(ORDER, 'Order'),
        { ...entry(ORDER, 'Order'), body: other },
        entry(ORDER, 'Order'),
      ]),
    );
    expect(reading.reasons.map((r) => [r.code, r.operation?.index, r.message])).toEqual([
      [
        ManifestReasonCode.OPERATION_ID_MISMATCH,
        1,
        `id ${operationId(ORDER)} is not the sha-256 of the body (${operationId(other)})`,
      ],
      [
        ManifestReasonCode.DUPLICATE_OPERATION_ID,
        1,
        `id ${operationId(ORDER)} is also the id of operations[0]`,
      ],
      [
        ManifestReasonCode.DUPLICATE_OPERATION_ID,
        2,
        `id ${operationId(ORDER)} is also the id of operations[0]`,
      ],
    ]);
  });
});
