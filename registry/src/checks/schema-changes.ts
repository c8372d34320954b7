/**
 * The changes of the API schema and of each contract variant, by @graphql-inspector/core's `diff`
 * and its criticality (breaking / dangerous / safe), with one rule of Switchyard's own on top: a
 * value added to an existing enum, or a member to an existing union, is dangerous whatever the
 * library version says, since clients' exhaustive switches break on it (Hive console#6565).
 * A change found in several variants is one entry listing the schemas it changes.
 */
import { CriticalityLevel, diff, type Change } from '@graphql-inspector/core';
import type { GraphQLSchema } from 'graphql';
import type { ChangeLevel, SchemaChange } from './check-report';
import { API_SCHEMA, type SchemaVariants } from './schema-variants';

const ALWAYS_DANGEROUS = new Set(['ENUM_VALUE_ADDED', 'UNION_MEMBER_ADDED']);
const LEVEL_ORDER: Record<ChangeLevel, number> = { breaking: 0, dangerous: 1, safe: 2 };

export async function schemaChanges(
  before: SchemaVariants,
  after: SchemaVariants,
): Promise<SchemaChange[]> {
  const byKey = new Map<string, SchemaChange>();
  const add = (schema: string, change: SchemaChange) => {
    const key = `${change.type}\0${change.coordinate}\0${change.message}`;
    const known = byKey.get(key);
    if (known) known.schemas.push(schema);
    else byKey.set(key, { ...change, schemas: [schema] });
  };

  for (const change of await diff(before.api, after.api)) add(API_SCHEMA, classified(change));
  const names = new Set([...before.contracts.keys(), ...after.contracts.keys()]);
  for (const name of names) {
    const was = before.contracts.get(name);
    const is = after.contracts.get(name);
    if (isSchema(was) && isSchema(is)) {
      for (const change of await diff(was, is)) add(name, classified(change));
    } else if (isSchema(was)) {
      add(name, {
        level: 'breaking',
        type: 'CONTRACT_UNAVAILABLE',
        coordinate: name,
        message:
          is instanceof Error
            ? `The "${name}" contract cannot be built from the candidate: ${is.message}`
            : `The "${name}" contract would expose no field: its consumers would be refused every operation`,
        schemas: [],
      });
    } else if (isSchema(is)) {
      add(name, {
        level: 'safe',
        type: 'CONTRACT_AVAILABLE',
        coordinate: name,
        message: `The "${name}" contract exposes fields again`,
        schemas: [],
      });
    }
  }
  return [...byKey.values()].sort(
    (a, b) =>
      LEVEL_ORDER[a.level] - LEVEL_ORDER[b.level] ||
      a.coordinate.localeCompare(b.coordinate) ||
      a.type.localeCompare(b.type),
  );
}

function classified(change: Change): SchemaChange {
  const meta = (change.meta ?? {}) as { addedToNewType?: boolean; typeName?: string };
  let level: ChangeLevel =
    change.criticality.level === CriticalityLevel.Breaking
      ? 'breaking'
      : change.criticality.level === CriticalityLevel.Dangerous
        ? 'dangerous'
        : 'safe';
  if (ALWAYS_DANGEROUS.has(change.type) && !meta.addedToNewType && level === 'safe')
    level = 'dangerous';
  return {
    level,
    type: change.type,
    coordinate: change.path ?? meta.typeName ?? '',
    message: change.message,
    ...(change.criticality.reason ? { reason: change.criticality.reason } : {}),
    schemas: [],
  };
}

function isSchema(value: GraphQLSchema | null | Error | undefined): value is GraphQLSchema {
  return value !== null && value !== undefined && !(value instanceof Error);
}
