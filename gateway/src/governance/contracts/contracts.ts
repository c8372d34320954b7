/**
 * Contracts: a consumer bound to a contract (its `contract` in the governance config) is served
 * that contract's API schema (contract-schema.ts), derived from the supergraph by `@tag` and
 * rebuilt whenever the supergraph is swapped:
 * - its operations are validated against the contract before Apollo Server sees them: a field the
 *   contract leaves out is GRAPHQL_VALIDATION_FAILED (400) with graphql-js's own message, and
 *   "Did you mean" suggestions come from the contract, so they never name a field outside it;
 * - introspection (`__schema`, `__type`) answers the contract's schema;
 * - manifest registration validates against it (persisted-operations/ asks `schemaOf`).
 * A contract whose tags select nothing (its Query keeps no field) refuses every operation of its
 * consumers (fail closed) and is reported once at start; a supergraph swap that leaves a contract
 * invalid keeps serving the previous contract schema, and is reported.
 * Consumers without a contract are untouched (the whole API schema).
 */
import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import {
  execute,
  GraphQLError,
  Kind,
  parse,
  printSchema,
  validate,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionNode,
  type SelectionSetNode,
} from 'graphql';
import { LRUCache } from 'lru-cache';
import type { SupergraphSource } from '../../supergraph-manager';
import { contractSchemaOf, type ContractFilter } from './contract-schema';
import { GovernanceCode, GovernanceError } from '../errors';
import type { GovernanceModule } from '../module';

export interface ContractsOptions {
  /** The contracts by name, each a tag filter (the config's `contracts`). */
  contracts: Record<string, ContractFilter>;
  /** Validation outcomes kept per replica (contract × document). Default 10000. */
  cacheSize?: number;
}

export interface ContractsDeps {
  supergraph: SupergraphSource;
  /** Told about a contract that selects nothing, or that a new supergraph could not be filtered into (the previous one is kept). */
  onContractProblem?: (contract: string, problem: string) => void;
}

export const CONTRACTS_DEFAULTS = { cacheSize: 10_000 } as const;

export type ContractsModule = GovernanceModule & {
  /** The contract's API schema; null when it exposes nothing (or is not declared): its consumers are refused everything. */
  schemaOf(contract: string): GraphQLSchema | null;
};

/** Apollo Server's own answer to an invalid document (400, GRAPHQL_VALIDATION_FAILED), with every error and its locations. */
export class ContractValidationError extends GovernanceError {
  constructor(readonly errors: readonly GraphQLError[]) {
    super(GovernanceCode.GRAPHQL_VALIDATION_FAILED, errors[0].message, { status: 400 });
  }

  override toResponseBody() {
    return {
      errors: this.errors.map((error) => ({
        message: error.message,
        ...(error.locations
          ? { locations: error.locations.map(({ line, column }) => ({ line, column })) }
          : {}),
        extensions: { code: GovernanceCode.GRAPHQL_VALIDATION_FAILED },
      })),
    };
  }
}

/** Builds every contract's schema now; throws (naming the contract) when one cannot be built from this supergraph. */
export function createContractsModule(
  options: ContractsOptions,
  deps: ContractsDeps,
): ContractsModule {
  const filters = options.contracts;
  const build = (supergraph: SupergraphSource, name: string) => {
    try {
      return contractSchemaOf(supergraph.apiSchema(), supergraph.directives.tags, filters[name]);
    } catch (error) {
      throw new Error(
        `contract "${name}": ${error instanceof Error ? error.message : String(error)}`,
        { cause: error },
      );
    }
  };
  const reportEmpty = (name: string) =>
    deps.onContractProblem?.(
      name,
      `contract "${name}" selects no root field (tags ${describe(filters[name])}): its consumers are refused every operation`,
    );

  let schemas = new Map<string, GraphQLSchema | null>();
  for (const name of Object.keys(filters)) {
    schemas.set(name, build(deps.supergraph, name));
    if (schemas.get(name) === null) reportEmpty(name);
  }
  // Outcomes depend on the contract's schema: dropped with it on a swap.
  const outcomes = new LRUCache<string, { errors: readonly GraphQLError[] }>({
    max: options.cacheSize ?? CONTRACTS_DEFAULTS.cacheSize,
  });
  deps.supergraph.onUpdate((source) => {
    const next = new Map(schemas);
    for (const name of Object.keys(filters)) {
      try {
        next.set(name, build(source, name));
        if (next.get(name) === null && schemas.get(name) !== null) reportEmpty(name);
      } catch (error) {
        deps.onContractProblem?.(
          name,
          `${(error as Error).message}; the previous contract schema stays in force`,
        );
      }
    }
    schemas = next;
    outcomes.clear();
  });

  const schemaOf = (name: string) => schemas.get(name) ?? null;

  function validationErrors(contract: string, text: string): readonly GraphQLError[] {
    const key = `${contract}\0${createHash('sha256').update(text).digest('hex')}`;
    let outcome = outcomes.get(key);
    if (!outcome) {
      outcome = { errors: check(contract, text) };
      outcomes.set(key, outcome);
    }
    return outcome.errors;
  }

  function check(contract: string, text: string): readonly GraphQLError[] {
    let document: DocumentNode;
    try {
      document = parse(text);
    } catch {
      // Apollo Server answers the parse error itself (it names no field).
      return [];
    }
    const schema = schemaOf(contract);
    if (!schema)
      return [
        new GraphQLError(
          `The "${contract}" contract exposes no fields: this consumer may run no operation`,
        ),
      ];
    return validate(schema, document);
  }

  return {
    name: 'contracts',
    schemaOf,
    onRequest({ body, context }) {
      const contract = context.consumer?.contract;
      if (!contract || typeof body !== 'object' || body === null || typeof body.query !== 'string')
        return;
      const errors = validationErrors(contract, body.query);
      if (errors.length > 0) throw new ContractValidationError(errors);
    },
    operation: {
      // @apollo/gateway answers introspection from the whole API schema: the contract's answer replaces it.
      willSendResponse(request) {
        const contract = request.contextValue.consumer?.contract;
        const body = request.response.body;
        if (
          !contract ||
          body.kind !== 'single' ||
          !body.singleResult.data ||
          !request.document ||
          !request.operation
        )
          return;
        const schema = schemaOf(contract);
        const introspection = schema && introspectionOnly(request.document, request.operation);
        if (!introspection) return;
        return (async () => {
          const answer = await execute({
            schema,
            document: introspection,
            variableValues: request.request.variables ?? {},
          });
          Object.assign(body.singleResult.data!, answer.data ?? {});
          if (answer.errors?.length)
            body.singleResult.errors = [...(body.singleResult.errors ?? []), ...answer.errors];
        })();
      },
    },
    adminRoutes(admin: FastifyInstance) {
      admin.get<{ Params: { name: string } }>('/contracts/:name', async (request, reply) => {
        const { name } = request.params;
        // Own properties only: `__proto__` or `constructor` names no contract.
        if (!Object.hasOwn(filters, name)) {
          return reply.code(404).send({
            errors: [
              {
                message: `No contract "${name}" is declared in the governance config`,
                extensions: { code: 'NOT_FOUND' },
              },
            ],
          });
        }
        const schema = schemaOf(name);
        return reply.send({
          contract: name,
          include: filters[name].include ?? [],
          exclude: filters[name].exclude ?? [],
          empty: schema === null,
          sdl: schema ? printSchema(schema) : null,
        });
      });
    },
  };
}

function describe(filter: ContractFilter): string {
  const parts = [
    filter.include?.length ? `include ${filter.include.join(', ')}` : '',
    filter.exclude?.length ? `exclude ${filter.exclude.join(', ')}` : '',
  ];
  return parts.filter(Boolean).join('; ') || 'none';
}

/** `operation` with only its `__schema` / `__type` root fields (through fragments), or null when it has none. */
export function introspectionOnly(
  document: DocumentNode,
  operation: OperationDefinitionNode,
): DocumentNode | null {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions)
    if (definition.kind === Kind.FRAGMENT_DEFINITION)
      fragments.set(definition.name.value, definition);
  const keep = (selectionSet: SelectionSetNode, spread: Set<string>): SelectionNode[] =>
    selectionSet.selections.flatMap((selection): SelectionNode[] => {
      if (selection.kind === Kind.FIELD)
        return selection.name.value === '__schema' || selection.name.value === '__type'
          ? [selection]
          : [];
      const fragment =
        selection.kind === Kind.INLINE_FRAGMENT ? selection : fragments.get(selection.name.value);
      if (
        !fragment ||
        (selection.kind === Kind.FRAGMENT_SPREAD && spread.has(selection.name.value))
      )
        return [];
      const kept = keep(
        fragment.selectionSet,
        selection.kind === Kind.FRAGMENT_SPREAD
          ? new Set([...spread, selection.name.value])
          : spread,
      );
      if (kept.length === 0) return [];
      return [
        {
          kind: Kind.INLINE_FRAGMENT,
          typeCondition: fragment.typeCondition,
          directives: selection.directives,
          selectionSet: { kind: Kind.SELECTION_SET, selections: kept },
        },
      ];
    });
  const selections = keep(operation.selectionSet, new Set());
  if (selections.length === 0) return null;
  return {
    kind: Kind.DOCUMENT,
    definitions: [
      { ...operation, selectionSet: { kind: Kind.SELECTION_SET, selections } },
      ...fragments.values(),
    ],
  };
}
