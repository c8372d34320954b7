/**
 * Field-level authorization: `@authenticated` and `@requiresScopes` read from the composed
 * supergraph's directive index (a schema owner protects a field in their own subgraph, under
 * whatever name it imports them), enforced before planning. A supergraph declaring what this
 * cannot enforce (`@policy`, an unknown version) is refused, at start and on a swap.
 *
 * filter (default): every field the consumer may not see is removed from the operation; the
 * response has null at each removed path (null propagating to the nearest nullable parent, as
 * GraphQL does) and one UNAUTHORIZED_FIELD_OR_TYPE error per path naming the missing requirement.
 * reject: the whole operation is refused (403) listing every missing requirement.
 *
 * The analysis is cached per (parsed document, operation, consumer scope set); the filtered document gets
 * its own query hash, so the executor's plan cache (keyed by queryHash and operationName) never
 * serves one consumer's plan to a consumer who may see more or less.
 *
 * One job per file: directives.ts takes the requirements from the supergraph's directive index
 * (refusing what it cannot enforce), requirements.ts combines them and checks a caller against
 * them, document-filter.ts removes what the caller may not see, response-patch.ts puts null and
 * an error where it was; this file wires them in.
 */
import type { GraphQLRequestContextDidResolveOperation } from '@apollo/server';
import type { DocumentNode, OperationDefinitionNode } from 'graphql';
import type { GatewayContext } from '../../context';
import type { SupergraphSource } from '../../supergraph-manager';
import type { Consumer } from '../consumer';
import { GovernanceCode, GovernanceError } from '../errors';
import type { GovernanceModule } from '../module';
import { OperationCache } from '../operation-cache';
import { declaredRequirementsOf } from './directives';
import { authorizeOperation, type FieldAuthorization, type RemovedField } from './document-filter';
import { describeRequirement, requirementExtensions, type Caller } from './requirements';
import { reportRemoved } from './response-patch';

export interface FieldAuthorizationOptions {
  /** filter: remove unauthorized fields (null + an error per path); reject: refuse the whole operation. Default `filter`. */
  onUnauthorized?: 'filter' | 'reject';
  /** The consumer served to requests without credentials: it is not authenticated, whatever its scopes. Default null (none). */
  anonymousConsumer?: string | null;
}

export interface FieldAuthorizationDeps {
  supergraph: SupergraphSource;
}

export const FIELD_AUTHORIZATION_DEFAULTS = {
  onUnauthorized: 'filter',
  anonymousConsumer: null,
} as const;

/** Fields a consumer may not see: removed before planning (filter) or the operation refused (reject). */
export function createFieldAuthorizationModule(
  options: FieldAuthorizationOptions,
  deps: FieldAuthorizationDeps,
): GovernanceModule {
  const mode = options.onUnauthorized ?? FIELD_AUTHORIZATION_DEFAULTS.onUnauthorized;
  if (mode !== 'filter' && mode !== 'reject')
    throw new Error(
      `authorization.onUnauthorized must be "filter" or "reject", got ${JSON.stringify(mode)}`,
    );
  const anonymousConsumer =
    options.anonymousConsumer ?? FIELD_AUTHORIZATION_DEFAULTS.anonymousConsumer;

  // A supergraph whose requirements cannot be enforced is refused: now (the module is not built) and before a swap.
  deps.supergraph.guard(declaredRequirementsOf);
  // From the supergraph's directive index: replaced, and every cached analysis dropped, when it is swapped.
  let declared = declaredRequirementsOf(deps.supergraph.directives);
  // By document and operation, then by the caller's scope set.
  const analyses = new OperationCache<Map<string, FieldAuthorization | null>>();
  deps.supergraph.onUpdate((source) => {
    declared = declaredRequirementsOf(source.directives);
    analyses.clear();
  });

  // Per consumer object, built once (consumers are frozen); the key names what the analysis depends on, so consumers with the same scopes share it.
  const callers = new WeakMap<Consumer, { caller: Caller; key: string }>();
  const ANONYMOUS = {
    caller: { authenticated: false, scopes: new Set<string>() },
    key: 'anonymous',
  };
  function callerOf(consumer: Consumer | null): { caller: Caller; key: string } {
    if (!consumer || consumer.id === anonymousConsumer) return ANONYMOUS;
    let known = callers.get(consumer);
    if (!known) {
      const scopes = new Set(consumer.scopes);
      callers.set(
        consumer,
        (known = {
          caller: { authenticated: true, scopes },
          key: `authenticated:${[...scopes].sort().join(' ')}`,
        }),
      );
    }
    return known;
  }

  function authorize(
    request: GraphQLRequestContextDidResolveOperation<GatewayContext>,
  ): FieldAuthorization | null {
    const { caller, key: callerKey } = callerOf(request.contextValue.consumer);
    const byCaller = analyses.get(request.document, request.operationName, () => new Map());
    let analysis = byCaller.get(callerKey);
    if (analysis === undefined) {
      analysis = authorizeOperation(
        deps.supergraph.apiSchema(),
        declared,
        request.document,
        request.operationName,
        caller,
        request.queryHash,
      );
      byCaller.set(callerKey, analysis);
    }
    return analysis;
  }

  return {
    name: 'field-authorization',
    operation: {
      didResolveOperation(request) {
        const authorization = authorize(request);
        if (!authorization) return;
        if (mode === 'reject') throw refusal(authorization.removed);
        request.contextValue.governance.fieldAuthorization = authorization;
        // The executor plans `document` under `queryHash`: both are replaced together.
        const writable = request as {
          document: DocumentNode;
          queryHash: string;
          operation: OperationDefinitionNode;
        };
        writable.document = authorization.document;
        writable.queryHash = authorization.queryHash;
        writable.operation = authorization.operation;
      },
      willSendResponse(request) {
        const authorization = request.contextValue.governance.fieldAuthorization;
        if (authorization) reportRemoved(request, authorization.removed);
      },
    },
  };
}

/** The whole operation refused, listing every field it may not select and what each requires. */
function refusal(removed: RemovedField[]): GovernanceError {
  const unauthorized = removed.map((field) => ({
    coordinate: field.coordinate,
    path: [...field.ancestors.map((ancestor) => ancestor.key), field.key],
    ...requirementExtensions(field.missing),
  }));
  const listed = removed.map(
    (field) => `${field.coordinate} (requires ${describeRequirement(field.missing)})`,
  );
  return new GovernanceError(
    GovernanceCode.UNAUTHORIZED_FIELD_OR_TYPE,
    `The operation selects fields this consumer may not see: ${[...new Set(listed)].join(', ')}`,
    {
      status: 403,
      details: { unauthorized },
    },
  );
}
