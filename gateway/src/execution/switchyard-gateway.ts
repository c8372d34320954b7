import { ApolloGateway, type GatewayConfig, type GraphQLDataSource } from '@apollo/gateway';
import type {
  GatewayExecutionResult,
  GatewayGraphQLRequestContext,
  GatewayInterface,
  GatewayLoadResult,
  GatewaySchemaLoadOrUpdateCallback,
} from '@apollo/server-gateway-interface';
import { SpanStatusCode } from '@opentelemetry/api';
import { GraphQLError, getVariableValues } from 'graphql';
import { OperationPlans, type CompiledOperation } from './operation-plans';
import { executePlan, tracer } from './plan-executor';

/**
 * The gateway Apollo Server runs: @apollo/gateway loads and hot-reloads the supergraph and builds
 * the subgraph clients; Switchyard plans each operation once with Hive Router's planner
 * (operation-plans.ts) and runs every plan itself (plan-executor.ts). @apollo/gateway's executor is
 * never handed an operation: its API schema has no @defer, so no deferred operation passes
 * validation, and a subscription is refused with SUBSCRIPTION_NOT_SUPPORTED.
 */
export class SwitchyardGateway implements GatewayInterface {
  private readonly apollo: ApolloGateway;
  private readonly services = new Map<string, GraphQLDataSource>();
  private plans?: OperationPlans;

  constructor(
    config: GatewayConfig & { buildService: NonNullable<GatewayConfig['buildService']> },
  ) {
    const { buildService } = config;
    this.apollo = new ApolloGateway({
      ...config,
      buildService: (definition) => {
        const service = buildService(definition);
        this.services.set(definition.name, service);
        return service;
      },
    });
    this.apollo.onSchemaLoadOrUpdate(({ apiSchema, coreSupergraphSdl }) => {
      this.plans = new OperationPlans(coreSupergraphSdl, apiSchema);
    });
  }

  async load(options: Parameters<GatewayInterface['load']>[0]): Promise<GatewayLoadResult> {
    const loaded = await this.apollo.load(options);
    return { ...loaded, executor: (request) => this.execute(request) };
  }

  onSchemaLoadOrUpdate(callback: GatewaySchemaLoadOrUpdateCallback) {
    return this.apollo.onSchemaLoadOrUpdate(callback);
  }

  stop(): Promise<void> {
    return this.apollo.stop();
  }

  private execute(request: GatewayGraphQLRequestContext): Promise<GatewayExecutionResult> {
    const plans = this.plans!;
    const attributes = request.operationName
      ? { 'graphql.operation.name': request.operationName }
      : {};
    return tracer.startActiveSpan('gateway.request', { attributes }, async (span) => {
      try {
        const operation = this.operationOf(plans, request);
        if (operation.refusal) {
          span.setStatus({ code: SpanStatusCode.ERROR });
          return { errors: [operation.refusal] };
        }
        const coerced = getVariableValues(
          plans.apiSchema,
          operation.definition.variableDefinitions ?? [],
          request.request.variables ?? {},
        );
        if (coerced.errors) {
          span.setStatus({ code: SpanStatusCode.ERROR });
          return { errors: coerced.errors };
        }
        // A defaulted Boolean variable may be sent as an explicit null, which @skip/@include cannot read.
        const unreadable = operation.conditionVariables.find(
          (name) => typeof coerced.coerced[name] !== 'boolean',
        );
        if (unreadable)
          return {
            errors: [
              new GraphQLError(
                `Variable "$${unreadable}" is read by @skip or @include and must be true or false, not null.`,
                { extensions: { code: 'BAD_USER_INPUT' } },
              ),
            ],
          };
        const result = await executePlan(plans, operation, this.services, request, coerced.coerced);
        if (result.errors) span.setStatus({ code: SpanStatusCode.ERROR });
        return result;
      } catch (error) {
        span.recordException(error as Error);
        span.setStatus({ code: SpanStatusCode.ERROR });
        throw error;
      } finally {
        span.end();
      }
    });
  }

  private operationOf(
    plans: OperationPlans,
    request: GatewayGraphQLRequestContext,
  ): CompiledOperation {
    const cached = plans.cached(request.queryHash, request.request.operationName);
    if (cached) return cached;
    return tracer.startActiveSpan('gateway.plan', (span) => {
      try {
        return plans.operation(request.document, request.queryHash, request.request.operationName);
      } finally {
        span.end();
      }
    });
  }
}
