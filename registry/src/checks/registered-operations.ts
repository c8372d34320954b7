/**
 * Every trusted operation of every consumer, validated against the candidate's schema for that
 * consumer (its contract variant, else the API schema), even with zero traffic, and checked for
 * fields whose scopes the consumer does not hold (the gateway's field-authorization requirements).
 * An operation failing now but not today is the change's failure; one failing both ways was
 * already broken and is reported apart, so one broken operation does not fail every later check.
 */
import {
  getOperationAST,
  parse,
  validate,
  type DocumentNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
import { authorizeOperation } from '@switchyard/gateway/src/governance/field-authorization/document-filter';
import { describeRequirement } from '@switchyard/gateway/src/governance/field-authorization/requirements';
import type { CheckPolicy, ConsumerPolicy } from './check-policy';
import type { OperationFailure, RegisteredOperationsReport } from './check-report';
import {
  SourceUnavailableError,
  type GovernanceSources,
  type RegisteredOperationBody,
} from './governance-sources';
import { API_SCHEMA, schemaOfConsumer, type SchemaVariants } from './schema-variants';

/** A registered operation as parsed once for every part of the check. */
export interface ParsedOperation {
  consumer: ConsumerPolicy;
  operation: RegisteredOperationBody;
  document: DocumentNode;
  definition: OperationDefinitionNode;
}

export interface RegisteredOperationsResult {
  report: RegisteredOperationsReport;
  /** The operations that parsed, for the cost rule. */
  parsed: ParsedOperation[];
}

export async function checkRegisteredOperations(
  before: SchemaVariants | null,
  after: SchemaVariants,
  policy: CheckPolicy,
  sources: GovernanceSources,
): Promise<RegisteredOperationsResult> {
  const report: RegisteredOperationsReport = {
    checked: 0,
    failures: [],
    alreadyFailing: [],
    unavailable: [],
  };
  const parsed: ParsedOperation[] = [];
  const lists = await Promise.all(
    policy.consumers.map(async (consumer) => {
      try {
        return { consumer, operations: await sources.registeredOperations(consumer.id) };
      } catch (error) {
        if (!(error instanceof SourceUnavailableError)) throw error;
        report.unavailable.push({ consumer: consumer.id, reason: error.message });
        return { consumer, operations: [] };
      }
    }),
  );
  for (const { consumer, operations } of lists) {
    for (const operation of operations) {
      report.checked++;
      let document: DocumentNode;
      try {
        document = parse(operation.body);
      } catch (error) {
        report.alreadyFailing.push(failure(consumer, operation, [(error as Error).message]));
        continue;
      }
      const definition = getOperationAST(document, operation.name);
      if (definition) parsed.push({ consumer, operation, document, definition });
      const now = problemsOf(after, consumer, document, operation.name, policy);
      if (now.length === 0) continue;
      const today = before ? problemsOf(before, consumer, document, operation.name, policy) : [];
      (today.length > 0 ? report.alreadyFailing : report.failures).push(
        failure(consumer, operation, now),
      );
    }
  }
  const order = (a: OperationFailure, b: OperationFailure) =>
    a.consumer.localeCompare(b.consumer) || a.operationName.localeCompare(b.operationName);
  report.failures.sort(order);
  report.alreadyFailing.sort(order);
  report.unavailable.sort((a, b) => a.consumer.localeCompare(b.consumer));
  return { report, parsed };

  function failure(
    consumer: ConsumerPolicy,
    operation: RegisteredOperationBody,
    reasons: string[],
  ): OperationFailure {
    return {
      consumer: consumer.id,
      operationId: operation.id,
      operationName: operation.name,
      schema: consumer.contract ?? API_SCHEMA,
      reasons,
    };
  }
}

/** Why the operation would fail for this consumer on these schemas: validation errors, else fields whose scopes it lacks. */
export function problemsOf(
  variants: SchemaVariants,
  consumer: ConsumerPolicy,
  document: DocumentNode,
  operationName: string,
  policy: CheckPolicy,
): string[] {
  const schema = schemaOfConsumer(variants, consumer.contract);
  if (schema instanceof Error)
    return [`the "${consumer.contract}" contract cannot be built: ${schema.message}`];
  if (schema === null) return [`the "${consumer.contract}" contract exposes no field`];
  const errors = validate(schema as GraphQLSchema, document);
  if (errors.length > 0)
    return errors.map((error) =>
      consumer.contract
        ? `not in the "${consumer.contract}" contract: ${error.message}`
        : error.message,
    );
  if (!policy.authorization) return [];
  const authorization = authorizeOperation(
    variants.api,
    variants.directives.authorization,
    document,
    operationName,
    { authenticated: true, scopes: new Set(consumer.scopes) },
    '',
  );
  return [
    ...new Set(
      (authorization?.removed ?? []).map(
        (removed) =>
          `${removed.coordinate} needs ${describeRequirement(removed.missing)}, which ${consumer.id} does not hold`,
      ),
    ),
  ];
}
