import type { GraphQLFormattedError } from 'graphql';

/**
 * A subgraph's non-2xx answer as the client sees it. SubgraphClient words it as Apollo's
 * RemoteGraphQLDataSource does, with the subgraph's URL and raw answer in `extensions.response`:
 * the URL is an internal address, so that extension never leaves the gateway. A 400 whose first
 * error is BAD_USER_INPUT is the client's value the subgraph refused (a DateTime literal that is not
 * one: the supergraph's custom scalars take any literal, the subgraph parses it), so the client gets
 * the subgraph's message and code instead of INTERNAL_SERVER_ERROR. Apollo Server's `formatError`.
 */
export function formatSubgraphHttpError(formatted: GraphQLFormattedError): GraphQLFormattedError {
  const response = formatted.extensions?.response;
  if (!isObject(response)) return formatted;
  const { response: _response, ...extensions } = formatted.extensions!;
  const refused = response.status === 400 ? firstError(response.body) : null;
  if (refused?.extensions?.code === BAD_USER_INPUT)
    return {
      ...formatted,
      message: String(refused.message),
      extensions: { ...extensions, code: BAD_USER_INPUT },
    };
  return { ...formatted, extensions };
}

const BAD_USER_INPUT = 'BAD_USER_INPUT';

function firstError(
  body: unknown,
): { message?: unknown; extensions?: Record<string, unknown> } | null {
  if (!isObject(body) || !Array.isArray(body.errors)) return null;
  const [error] = body.errors as unknown[];
  return isObject(error) ? error : null;
}

const isObject = (value: unknown): value is Record<string, any> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
