import { formatSubgraphHttpError } from './subgraph-http-errors';

const answered = (status: number, body: unknown) => ({
  message: `${status}: Bad Request`,
  path: ['shipments'],
  extensions: {
    code: 'INTERNAL_SERVER_ERROR',
    response: { url: 'http://10.0.0.7:4005/graphql', status, statusText: 'Bad Request', body },
  },
});

test("a subgraph's 400 refusing the client's value is BAD_USER_INPUT with the subgraph's message, without its address", () => {
  const refused = answered(400, {
    data: null,
    errors: [
      { message: 'DateTime must be an ISO-8601 string', extensions: { code: 'BAD_USER_INPUT' } },
    ],
  });
  expect(formatSubgraphHttpError(refused)).toEqual({
    message: 'DateTime must be an ISO-8601 string',
    path: ['shipments'],
    extensions: { code: 'BAD_USER_INPUT' },
  });
});

test('any other non-2xx answer keeps its message and code, without the subgraph address or raw answer', () => {
  for (const failed of [
    answered(400, {
      errors: [
        { message: 'Cannot query field', extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } },
      ],
    }),
    answered(503, 'upstream unavailable'),
  ])
    expect(formatSubgraphHttpError(failed)).toEqual({
      message: failed.message,
      path: ['shipments'],
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    });
});

test('errors that are not a subgraph answer pass as they are', () => {
  const error = {
    message: 'no',
    extensions: { code: 'NOT_FOUND', response: 'a string, not an answer' },
  };
  expect(formatSubgraphHttpError(error)).toBe(error);
});
