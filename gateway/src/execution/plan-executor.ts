import type { GraphQLDataSource, GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type {
  GatewayExecutionResult,
  GatewayGraphQLRequestContext,
} from '@apollo/server-gateway-interface';
import { SpanStatusCode, trace, type Span } from '@opentelemetry/api';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { failedFetchErrors, fieldsOf } from './failed-fetch';
import { introspectionResult } from './introspection';
import type { CompiledOperation, OperationPlans } from './operation-plans';
import type { EntitySelection, FetchNode, PlanNode } from './planning/plan';
import { shapeResponse } from './response-shape';
import { applyRewrites } from './rewrites';
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
 * returned (one variable per `_entities` field of a batch), each answer merged into the result;
 * introspection answered from the API schema; then shapes the result to the operation. Errors
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
      if (operation.plan) await executeNode(execution, operation.plan);
      if (operation.introspection) {
        const answered = introspectionResult(
          plans.apiSchema,
          operation.introspection,
          request.request.variables,
        );
        mergeInto(execution.data, answered.data);
        execution.errors.push(...answered.errors);
      }
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

async function executeNode(execution: Execution, node: PlanNode): Promise<void> {
  switch (node.kind) {
    case 'Sequence':
      for (const child of node.nodes) await executeNode(execution, child);
      return;
    case 'Parallel':
      await Promise.all(node.nodes.map((child) => executeNode(execution, child)));
      return;
    case 'Condition': {
      const branch = execution.variables[node.variable] === true ? node.ifClause : node.elseClause;
      if (branch) await executeNode(execution, branch);
      return;
    }
    case 'Fetch':
      try {
        await tracer.startActiveSpan(
          'gateway.fetch',
          { attributes: { service: node.serviceName } },
          async (span) => {
            try {
              await (node.entities.length > 0
                ? executeEntityFetch(execution, node)
                : executeRootFetch(execution, node));
            } catch (error) {
              recordFailure(span, error instanceof FetchFailed ? error.cause : error);
              throw error;
            } finally {
              span.end();
            }
          },
        );
      } catch (error) {
        // A failed subgraph call is reported once per field it cost (failed-fetch.ts), pushed here as
        // any fetch error is, so errors of parallel fetches keep the order @apollo/gateway gives them.
        if (error instanceof FetchFailed) execution.errors.push(...error.errors);
        else execution.errors.push(error as GraphQLError);
      }
      return;
  }
}

/** The client's variables a fetch's operation declares, as the client sent them (the subgraph applies defaults). */
function variablesOf(execution: Execution, fetch: FetchNode): Record<string, unknown> {
  const provided = execution.request.request.variables;
  const variables: Record<string, unknown> = {};
  if (provided)
    for (const name of fetch.variableUsages)
      if (Object.hasOwn(provided, name) && provided[name] !== undefined)
        variables[name] = provided[name];
  return variables;
}

async function executeRootFetch(execution: Execution, fetch: FetchNode): Promise<void> {
  const service = serviceOf(execution, fetch);
  let data;
  try {
    data = await send(execution, service, fetch, variablesOf(execution, fetch), (path) => path);
  } catch (error) {
    if (!(error instanceof FetchFailed)) throw error;
    const keys = fieldsOf(fetch, null, execution.plans.isOfType).keysFor(undefined);
    error.errors = failedFetchErrors(error.cause, fetch.serviceName, [{ path: [], keys }]);
    throw error;
  }
  if (data) applyRewrites(fetch.outputRewrites, data, execution.plans.isOfType);
  mergeInto(execution.data, data);
}

/** The objects one `_entities` field is sent for, and their representations in the same order. */
interface EntityInputs {
  selection: EntitySelection;
  owners: ResultObject[];
  representations: ResultObject[];
  /** The response path of each owner, worked out only for errors. */
  ownerPaths(): (string | number)[][];
}

function entityInputs(execution: Execution, selection: EntitySelection): EntityInputs {
  const { isOfType } = execution.plans;
  const objects: ResultObject[] = [];
  for (const path of selection.paths) objectsAt(execution.data, path, isOfType, 0, objects);
  const owners: ResultObject[] = [];
  const ownerIndexes: number[] = [];
  const representations: ResultObject[] = [];
  objects.forEach((object, index) => {
    const representation = selectRepresentation(
      object,
      selection.requires,
      isOfType,
      execution.variables,
    );
    if (!representation) return;
    applyRewrites(selection.inputRewrites, representation, isOfType);
    if (!representation.__typename) return;
    representations.push(representation);
    owners.push(object);
    ownerIndexes.push(index);
  });
  let paths: (string | number)[][] | undefined;
  const ownerPaths = () => {
    if (!paths) {
      const all: (string | number)[][] = [];
      for (const path of selection.paths) pathsAt(execution.data, path, isOfType, 0, [], all);
      paths = ownerIndexes.map((index) => all[index] ?? []);
    }
    return paths;
  };
  return { selection, owners, representations, ownerPaths };
}

async function executeEntityFetch(execution: Execution, fetch: FetchNode): Promise<void> {
  const service = serviceOf(execution, fetch);
  const inputs = fetch.entities.map((selection) => entityInputs(execution, selection));
  if (inputs.every((input) => input.representations.length === 0)) return;
  const variables = variablesOf(execution, fetch);
  for (const input of inputs) {
    if (input.selection.variableName in variables)
      throw new Error(`Variables cannot contain key "${input.selection.variableName}"`);
    variables[input.selection.variableName] = input.representations;
  }

  // An entity error's path `<_entities key>.i.rest` becomes the response path of the i-th
  // representation's object; one on an `_entities` field as a whole names no object: no path.
  const errorPathOf = (errorPath: readonly (string | number)[] | undefined) => {
    if (!errorPath) return undefined;
    const input = inputs.find((candidate) => candidate.selection.responseKey === errorPath[0]);
    if (!input)
      return inputs.length === 1 ? [...planPathOf(inputs[0].selection), ...errorPath] : undefined;
    const index = entityIndexOf(errorPath[1]);
    if (index === undefined || index >= input.owners.length) return undefined;
    return [...input.ownerPaths()[index], ...errorPath.slice(2)];
  };
  let data;
  try {
    data = await send(execution, service, fetch, variables, errorPathOf);
  } catch (error) {
    if (!(error instanceof FetchFailed)) throw error;
    const { isOfType } = execution.plans;
    const targets = inputs.flatMap((input) => {
      const fields = fieldsOf(fetch, input.selection.responseKey, isOfType);
      const paths = input.ownerPaths();
      return input.owners.map((owner, index) => ({
        path: paths[index],
        keys: fields.keysFor(owner.__typename),
      }));
    });
    error.errors = failedFetchErrors(error.cause, fetch.serviceName, targets);
    throw error;
  }
  if (!data) return;
  for (const input of inputs) mergeEntities(execution, input, data);
}

/** The plan path (`@` for lists) of an `_entities` field's first path: @apollo/gateway's `pathInIncomingRequest`, and the prefix of a subgraph's other error paths. */
function planPathOf(selection: EntitySelection): string[] {
  const [path = []] = selection.paths;
  return path.filter((step): step is string => typeof step === 'string');
}

function mergeEntities(execution: Execution, input: EntityInputs, data: ResultObject): void {
  const { responseKey } = input.selection;
  const entities = data[responseKey];
  if (!Array.isArray(entities))
    throw new Error(`Expected "data.${responseKey}" in response to be an array`);
  if (entities.length !== input.representations.length)
    throw new Error(
      `Expected "data.${responseKey}" to contain ${input.representations.length} elements`,
    );
  for (let index = 0; index < entities.length; index++) {
    const entity = entities[index] as ResultObject | null;
    const owner = input.owners[index];
    if (entity) {
      applyRewrites(input.selection.outputRewrites, entity, execution.plans.isOfType);
      // An @interfaceObject's subgraph answers with the interface's name: the runtime type already known stays.
      if (!entity.__typename || execution.plans.isObjectType(owner.__typename))
        entity.__typename = owner.__typename;
    }
    mergeInto(owner, entity);
  }
}

function serviceOf(execution: Execution, fetch: FetchNode): GraphQLDataSource {
  const service = execution.services.get(fetch.serviceName);
  if (!service) throw new Error(`Couldn't find service with name "${fetch.serviceName}"`);
  return service;
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
  errorPathOf: (path: (string | number)[] | undefined) => (string | number)[] | undefined,
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
      document: fetch.document,
      pathInIncomingRequest: fetch.entities.length > 0 ? planPathOf(fetch.entities[0]) : [],
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
