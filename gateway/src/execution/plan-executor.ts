import type { GraphQLDataSource, GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { FetchNode, PlanNode, ResponsePath, SubscriptionNode } from '@apollo/query-planner';
import type {
  GatewayExecutionResult,
  GatewayGraphQLRequestContext,
} from '@apollo/server-gateway-interface';
import { SpanStatusCode, trace, type Span } from '@opentelemetry/api';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { failedFetchErrors, fieldsOf } from './failed-fetch';
import type { CompiledOperation, OperationPlans } from './operation-plans';
import { shapeResponse } from './response-shape';
import {
  mergeInto,
  objectsAt,
  pathsAt,
  selectRepresentation,
  type ResultObject,
} from './result-tree';

/** Spans named as @apollo/gateway names them, so traces read the same whichever executor ran. */
export const tracer = trace.getTracer('@switchyard/gateway');

interface Execution {
  plans: OperationPlans;
  services: ReadonlyMap<string, GraphQLDataSource>;
  request: GatewayGraphQLRequestContext;
  /** The request's variables after coercion (defaults applied): what `@skip`/`@include` and conditions read. */
  variables: Record<string, unknown>;
  errors: GraphQLError[];
  data: ResultObject;
}

/**
 * Runs a query plan: fetches in the plan's order (sequences in turn, parallel nodes together),
 * each entity fetch sending the representations its `requires` selects from what earlier fetches
 * returned, each answer merged into the result; then shapes the result to the operation. Errors
 * as @apollo/gateway reports them: a subgraph's own errors with its name and their path in the
 * response, value-completion errors as `valueCompletion`; but a fetch the subgraph did not answer
 * (unreachable, past its deadline, its circuit open) as one error per field it was to fill, at that
 * field's path (failed-fetch.ts), where @apollo/gateway reports one error without a path.
 */
export async function executePlan(
  plans: OperationPlans,
  operation: CompiledOperation,
  services: ReadonlyMap<string, GraphQLDataSource>,
  request: GatewayGraphQLRequestContext,
  variables: Record<string, unknown>,
): Promise<GatewayExecutionResult> {
  const execution: Execution = { plans, services, request, variables, errors: [], data: {} };
  return tracer.startActiveSpan('gateway.execute', async (span) => {
    try {
      if (operation.plan.node)
        await executeNode(execution, operation.plan.node, execution.data, []);
      const shaped = tracer.startActiveSpan('gateway.postprocessing', (postprocessing) => {
        try {
          return shapeResponse(plans.apiSchema, operation.shapeFor(variables), execution.data);
        } finally {
          postprocessing.end();
        }
      });
      const { errors } = execution;
      if (errors.length > 0) {
        for (const error of errors) recordFailure(span, error);
        return { errors, data: shaped.data };
      }
      // As @apollo/gateway: value-completion errors alone are reported beside the data, not as errors
      // (extensions first, in @apollo/gateway's key order).
      return shaped.errors.length > 0
        ? { extensions: { valueCompletion: shaped.errors }, data: shaped.data }
        : { data: shaped.data };
    } finally {
      span.end();
    }
  });
}

async function executeNode(
  execution: Execution,
  node: PlanNode | SubscriptionNode,
  at: ResultObject | ResultObject[],
  path: ResponsePath,
): Promise<void> {
  switch (node.kind) {
    case 'Sequence':
      for (const child of node.nodes) await executeNode(execution, child, at, path);
      return;
    case 'Parallel':
      await Promise.all(node.nodes.map((child) => executeNode(execution, child, at, path)));
      return;
    case 'Flatten': {
      const objects: ResultObject[] = [];
      for (const object of Array.isArray(at) ? at : [at]) objectsAt(object, node.path, 0, objects);
      if (objects.length > 0)
        await executeNode(execution, node.node, objects, [...path, ...node.path]);
      return;
    }
    case 'Condition': {
      const branch = execution.variables[node.condition] === true ? node.ifClause : node.elseClause;
      if (branch) await executeNode(execution, branch, at, path);
      return;
    }
    case 'Fetch':
      try {
        await executeFetch(execution, node, Array.isArray(at) ? at : [at], path);
      } catch (error) {
        // A failed subgraph call is reported once per field it cost (failed-fetch.ts), pushed here as
        // any fetch error is, so errors of parallel fetches keep the order @apollo/gateway gives them.
        if (error instanceof FetchFailed) execution.errors.push(...error.errors);
        else execution.errors.push(error as GraphQLError);
      }
      return;
    default:
      // Delegated to @apollo/gateway's executor before planning reaches here (operation-plans.ts).
      throw new Error(`Unsupported query plan node ${node.kind}`);
  }
}

async function executeFetch(
  execution: Execution,
  fetch: FetchNode,
  objects: ResultObject[],
  path: ResponsePath,
): Promise<void> {
  const service = execution.services.get(fetch.serviceName);
  if (!service) throw new Error(`Couldn't find service with name "${fetch.serviceName}"`);
  const provided = execution.request.request.variables;
  const variables: Record<string, unknown> = {};
  if (fetch.variableUsages && provided) {
    for (const name of fetch.variableUsages)
      if (Object.hasOwn(provided, name) && provided[name] !== undefined)
        variables[name] = provided[name];
  }

  // The response path of each object at the fetch's path (`@` as indices), worked out only for errors.
  let objectPaths: (string | number)[][] | undefined;
  const pathOf = (index: number) => (objectPaths ??= pathsAt(execution.data, path))[index] ?? [];
  /** The objects a failed fetch was to fill, by their index among `objects`. */
  const failed = (error: FetchFailed, indexes: Iterable<number>): FetchFailed => {
    const fields = fieldsOf(fetch, execution.plans.isOfType);
    const targets = [...indexes].map((index) => ({
      path: pathOf(index),
      typename: objects[index].__typename,
    }));
    error.errors = failedFetchErrors(error.cause, fetch.serviceName, fields, targets);
    return error;
  };

  await tracer.startActiveSpan(
    'gateway.fetch',
    { attributes: { service: fetch.serviceName } },
    async (span) => {
      try {
        if (!fetch.requires) {
          let data;
          try {
            data = await send(execution, service, fetch, variables, path, (errorPath) =>
              errorPath ? [...path, ...errorPath] : undefined,
            );
          } catch (error) {
            if (!(error instanceof FetchFailed)) throw error;
            throw failed(error, objects.keys());
          }
          for (const object of objects) mergeInto(object, data);
          return;
        }

        const representations: ResultObject[] = [];
        const owners: ResultObject[] = [];
        const ownerIndexes: number[] = [];
        objects.forEach((object, index) => {
          const representation = selectRepresentation(
            object,
            fetch.requires!,
            execution.plans.isOfType,
          );
          if (representation?.__typename) {
            representations.push(representation);
            owners.push(object);
            ownerIndexes.push(index);
          }
        });
        if (representations.length === 0) return;
        if ('representations' in variables)
          throw new Error('Variables cannot contain key "representations"');

        // An entity error's path `_entities.i.rest` becomes the response path of the i-th entity's object;
        // one on `_entities` as a whole names no object: no path rather than the plan's.
        const errorPathOf = (errorPath: readonly (string | number)[] | undefined) => {
          if (!errorPath) return undefined;
          if (errorPath[0] !== '_entities') return [...path, ...errorPath];
          const index = entityIndexOf(errorPath[1]);
          if (index === undefined || index >= ownerIndexes.length) return undefined;
          return [...pathOf(ownerIndexes[index]), ...errorPath.slice(2)];
        };
        let data;
        try {
          data = await send(
            execution,
            service,
            fetch,
            { ...variables, representations },
            path,
            errorPathOf,
          );
        } catch (error) {
          if (!(error instanceof FetchFailed)) throw error;
          throw failed(error, ownerIndexes);
        }
        if (!data) return;
        const entities = data._entities;
        if (!Array.isArray(entities))
          throw new Error('Expected "data._entities" in response to be an array');
        if (entities.length !== representations.length)
          throw new Error(
            `Expected "data._entities" to contain ${representations.length} elements`,
          );
        for (let index = 0; index < entities.length; index++) {
          const entity = entities[index] as ResultObject | null;
          if (entity && !entity.__typename) entity.__typename = owners[index].__typename;
          mergeInto(owners[index], entity);
        }
      } catch (error) {
        recordFailure(span, error instanceof FetchFailed ? error.cause : error);
        throw error;
      } finally {
        span.end();
      }
    },
  );
}

/** What a subgraph call threw (SubgraphClient: SUBGRAPH_UNAVAILABLE, SUBGRAPH_TIMEOUT, a non-2xx), told apart from the executor's own errors. */
class FetchFailed extends Error {
  /** The errors it costs the response: one per field the fetch was to fill. */
  errors: GraphQLError[] = [];

  constructor(override readonly cause: unknown) {
    super('subgraph call failed');
  }
}

/**
 * A subgraph's error path with its list indices as numbers: some servers (graphql-jit under
 * Mercurius) write them as strings. A response key never starts with a digit, so a step of digits
 * only is an index.
 */
function listIndicesAsNumbers(
  path: readonly (string | number)[] | undefined,
): (string | number)[] | undefined {
  return path?.map((step) =>
    typeof step === 'string' && /^[0-9]+$/.test(step) ? Number(step) : step,
  );
}

function entityIndexOf(step: string | number | undefined): number | undefined {
  return typeof step === 'number' && Number.isInteger(step) && step >= 0 ? step : undefined;
}

async function send(
  execution: Execution,
  service: GraphQLDataSource,
  fetch: FetchNode,
  variables: Record<string, unknown>,
  path: ResponsePath,
  errorPathOf: (path: readonly (string | number)[] | undefined) => (string | number)[] | undefined,
): Promise<ResultObject | null | undefined> {
  let response;
  try {
    response = await service.process({
      // @apollo/gateway exports the enum's type, not its value.
      kind: 'incoming operation' as Extract<
        GraphQLDataSourceProcessOptions,
        { document?: unknown }
      >['kind'],
      request: { query: fetch.operation, variables, operationName: fetch.operationName },
      incomingRequestContext: execution.request,
      context: execution.request.context,
      document: fetch.operationDocumentNode,
      pathInIncomingRequest: path,
    });
  } catch (error) {
    throw new FetchFailed(error);
  }
  if (response.errors) {
    for (const error of response.errors)
      execution.errors.push(
        downstreamServiceError(
          error,
          fetch.serviceName,
          errorPathOf(listIndicesAsNumbers(error.path)),
        ),
      );
  }
  return response.data as ResultObject | null | undefined;
}

/** A subgraph's error as @apollo/gateway words it: its code (DOWNSTREAM_SERVICE_ERROR if none) and the subgraph's name. */
function downstreamServiceError(
  error: GraphQLFormattedError,
  serviceName: string,
  path: (string | number)[] | undefined,
): GraphQLError {
  const extensions = error.extensions ?? {};
  return new GraphQLError(
    error.message || `Error while fetching subquery from service "${serviceName}"`,
    {
      originalError: error as Error,
      path,
      extensions: {
        ...extensions,
        serviceName,
        code: extensions.code ?? 'DOWNSTREAM_SERVICE_ERROR',
      },
    },
  );
}

function recordFailure(span: Span, error: unknown): void {
  span.recordException(error as Error);
  span.setStatus({ code: SpanStatusCode.ERROR });
}
