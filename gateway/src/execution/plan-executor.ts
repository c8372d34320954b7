import type { GraphQLDataSource, GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { FetchNode, PlanNode, ResponsePath, SubscriptionNode } from '@apollo/query-planner';
import type {
  GatewayExecutionResult,
  GatewayGraphQLRequestContext,
} from '@apollo/server-gateway-interface';
import { SpanStatusCode, trace, type Span } from '@opentelemetry/api';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
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
 * response, a failed fetch as the error it threw, value-completion errors as `valueCompletion`.
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
        failed(span, errors);
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
        execution.errors.push(error as GraphQLError);
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

  await tracer.startActiveSpan(
    'gateway.fetch',
    { attributes: { service: fetch.serviceName } },
    async (span) => {
      try {
        if (!fetch.requires) {
          const data = await send(execution, service, fetch, variables, path, (errorPath) =>
            errorPath ? [...path, ...errorPath] : undefined,
          );
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

        // An entity error's path `_entities.i.rest` becomes the response path of the i-th entity's object.
        let objectPaths: (string | number)[][] | undefined;
        const errorPathOf = (errorPath: readonly (string | number)[] | undefined) => {
          if (typeof errorPath?.[1] !== 'number')
            return errorPath ? [...path, ...errorPath] : undefined;
          objectPaths ??= pathsAt(execution.data, path);
          return [...(objectPaths[ownerIndexes[errorPath[1]]] ?? []), ...errorPath.slice(2)];
        };
        const data = await send(
          execution,
          service,
          fetch,
          { ...variables, representations },
          path,
          errorPathOf,
        );
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
        failed(span, [error as Error]);
        throw error;
      } finally {
        span.end();
      }
    },
  );
}

async function send(
  execution: Execution,
  service: GraphQLDataSource,
  fetch: FetchNode,
  variables: Record<string, unknown>,
  path: ResponsePath,
  errorPathOf: (path: readonly (string | number)[] | undefined) => (string | number)[] | undefined,
): Promise<ResultObject | null | undefined> {
  const response = await service.process({
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
  if (response.errors) {
    for (const error of response.errors)
      execution.errors.push(
        downstreamServiceError(
          error,
          fetch.serviceName,
          errorPathOf(error.path as (string | number)[] | undefined),
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

function failed(span: Span, errors: readonly Error[]): void {
  for (const error of errors) span.recordException(error);
  span.setStatus({ code: SpanStatusCode.ERROR });
}
