/**
 * Field-level authorization: `@authenticated` and `@requiresScopes` read from the composed
 * supergraph (a schema owner protects a field in their own subgraph), enforced before planning.
 *
 * filter (default): every field the consumer may not see is removed from the operation; the
 * response has null at each removed path (null propagating to the nearest nullable parent, as
 * GraphQL does) and one UNAUTHORIZED_FIELD_OR_TYPE error per path naming the missing requirement.
 * reject: the whole operation is refused (403) listing every missing requirement.
 *
 * The analysis is cached per (parsed document, operation, consumer scope set); the filtered document gets
 * its own query hash, so the executor's plan cache (keyed by queryHash and operationName) never
 * serves one consumer's plan to a consumer who may see more or less.
 */
import { createHash } from 'node:crypto';
import type {
  GraphQLRequestContextDidResolveOperation,
  GraphQLRequestContextWillSendResponse,
} from '@apollo/server';
import {
  getNamedType,
  getOperationAST,
  isAbstractType,
  isInterfaceType,
  isListType,
  isNonNullType,
  isTypeDefinitionNode,
  isTypeExtensionNode,
  Kind,
  parse,
  TypeInfo,
  valueFromASTUntyped,
  visit,
  visitWithTypeInfo,
  type ConstDirectiveNode,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLOutputType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import type { GatewayContext } from '../../context';
import type { SupergraphSource } from '../../supergraph-manager';
import type { Consumer } from '../consumer';
import { GovernanceCode, GovernanceError } from '../errors';
import type { GovernanceModule } from '../module';
import { OperationCache } from '../operation-cache';

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

/** What a field or type asks of a consumer; both parts must hold. */
export interface Requirement {
  authenticated: boolean;
  /** OR of AND-sets (as `@requiresScopes(scopes:)`), or null when no scope is needed. */
  requiresScopes: string[][] | null;
}

/** The requirements declared in a supergraph, by field coordinate (`Type.field`) and by type name. */
export interface DeclaredRequirements {
  fields: Map<string, Requirement>;
  types: Map<string, Requirement>;
}

/** Who is asking, as far as authorization cares. */
export interface Caller {
  authenticated: boolean;
  scopes: ReadonlySet<string>;
}

/** A field removed from the operation, with what a response needs to put null in its place. */
export interface RemovedField {
  coordinate: string;
  /** The part of the field's requirement the caller does not meet. */
  missing: Requirement;
  /** The fields leading to it from the root: response key and type (list levels are expanded when patching). */
  ancestors: { key: string; type: GraphQLOutputType }[];
  key: string;
  type: GraphQLOutputType;
  /** The concrete types whose objects selected it (the selection may sit in a type-narrowing fragment). */
  parentTypes: string[];
}

/** The outcome of authorizing one operation for one scope set; null when nothing is removed. */
export interface FieldAuthorization {
  removed: RemovedField[];
  /** The operation without the removed fields (and with a type marker where they were). */
  document: DocumentNode;
  operation: OperationDefinitionNode;
  /** Distinct per (original document, removed set), so a plan cached for it fits only it. */
  queryHash: string;
}

const NO_REQUIREMENT: Requirement = { authenticated: false, requiresScopes: null };
const AUTHENTICATED_SPEC = /^https:\/\/specs\.apollo\.dev\/authenticated\/v[0-9.]+$/;
const REQUIRES_SCOPES_SPEC = /^https:\/\/specs\.apollo\.dev\/requiresScopes\/v[0-9.]+$/;
/** Response key of the `__typename` added next to removed fields: tells which objects they were removed from; stripped from the response. */
export const TYPE_MARKER = '_switchyardAuthzTypename';

/** Reads `@authenticated` / `@requiresScopes` (under whatever names the supergraph's @link gives them) from a supergraph SDL. */
export function declaredRequirementsOf(supergraphSdl: string): DeclaredRequirements {
  const document = parse(supergraphSdl, { noLocation: true });
  const names = { authenticated: 'authenticated', requiresScopes: 'requiresScopes' };
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.SCHEMA_DEFINITION && definition.kind !== Kind.SCHEMA_EXTENSION)
      continue;
    for (const link of definition.directives ?? []) {
      if (link.name.value !== 'link') continue;
      const args = Object.fromEntries(
        (link.arguments ?? []).map((arg) => [arg.name.value, valueFromASTUntyped(arg.value)]),
      );
      if (typeof args.url !== 'string') continue;
      if (AUTHENTICATED_SPEC.test(args.url) && typeof args.as === 'string')
        names.authenticated = args.as;
      if (REQUIRES_SCOPES_SPEC.test(args.url) && typeof args.as === 'string')
        names.requiresScopes = args.as;
    }
  }
  const requirementOf = (
    directives: readonly ConstDirectiveNode[] | undefined,
  ): Requirement | null => {
    let requirement: Requirement | null = null;
    for (const directive of directives ?? []) {
      if (directive.name.value === names.authenticated)
        requirement = combine(requirement ?? NO_REQUIREMENT, {
          authenticated: true,
          requiresScopes: null,
        });
      if (directive.name.value === names.requiresScopes) {
        const scopes = directive.arguments?.find((arg) => arg.name.value === 'scopes');
        const sets = scopes ? valueFromASTUntyped(scopes.value) : null;
        if (
          !Array.isArray(sets) ||
          !sets.every(
            (set) => Array.isArray(set) && set.every((scope) => typeof scope === 'string'),
          )
        ) {
          throw new Error(
            `@${names.requiresScopes} must list scope sets, as [["scope", ...], ...]`,
          );
        }
        requirement = combine(requirement ?? NO_REQUIREMENT, {
          authenticated: false,
          requiresScopes: sets as string[][],
        });
      }
    }
    return requirement;
  };

  const declared: DeclaredRequirements = { fields: new Map(), types: new Map() };
  for (const definition of document.definitions) {
    if (!isTypeDefinitionNode(definition) && !isTypeExtensionNode(definition)) continue;
    const typeName = definition.name.value;
    const onType = requirementOf(definition.directives);
    if (onType)
      declared.types.set(typeName, combine(declared.types.get(typeName) ?? NO_REQUIREMENT, onType));
    if (
      definition.kind !== Kind.OBJECT_TYPE_DEFINITION &&
      definition.kind !== Kind.OBJECT_TYPE_EXTENSION &&
      definition.kind !== Kind.INTERFACE_TYPE_DEFINITION &&
      definition.kind !== Kind.INTERFACE_TYPE_EXTENSION
    )
      continue;
    for (const field of definition.fields ?? []) {
      const onField = requirementOf(field.directives);
      if (onField) declared.fields.set(`${typeName}.${field.name.value}`, onField);
    }
  }
  return declared;
}

/** Both requirements at once: authenticated if either is; scopes as the product of the two OR-of-AND sets. */
export function combine(a: Requirement, b: Requirement): Requirement {
  let requiresScopes: string[][] | null;
  if (!a.requiresScopes) requiresScopes = b.requiresScopes;
  else if (!b.requiresScopes) requiresScopes = a.requiresScopes;
  else
    requiresScopes = a.requiresScopes.flatMap((left) =>
      b.requiresScopes!.map((right) => [...new Set([...left, ...right])].sort()),
    );
  return {
    authenticated: a.authenticated || b.authenticated,
    requiresScopes: requiresScopes && minimalSets(requiresScopes),
  };
}

/** Drops duplicate sets and those that hold another set (holding the smaller one suffices). */
function minimalSets(sets: string[][]): string[][] {
  const unique = [
    ...new Map(sets.map((set) => [JSON.stringify([...set].sort()), [...set].sort()])).values(),
  ];
  return unique.filter(
    (set, i) =>
      !unique.some(
        (other, j) =>
          j !== i && other.length < set.length && other.every((scope) => set.includes(scope)),
      ),
  );
}

/** The part of `requirement` the caller does not meet, or null when it meets all of it. */
export function missingRequirement(requirement: Requirement, caller: Caller): Requirement | null {
  const authenticated = requirement.authenticated && !caller.authenticated;
  const scopesMissing =
    requirement.requiresScopes !== null &&
    !requirement.requiresScopes.some((set) => set.every((scope) => caller.scopes.has(scope)));
  if (!authenticated && !scopesMissing) return null;
  return { authenticated, requiresScopes: scopesMissing ? requirement.requiresScopes : null };
}

/** `@authenticated and @requiresScopes(scopes: [["credit:read"]])`: the requirement as the schema spells it. */
export function describeRequirement(requirement: Requirement): string {
  const parts: string[] = [];
  if (requirement.authenticated) parts.push('@authenticated');
  if (requirement.requiresScopes)
    parts.push(`@requiresScopes(scopes: ${JSON.stringify(requirement.requiresScopes)})`);
  return parts.join(' and ');
}

/** The requirement in an error's extensions: `authenticated: true` and/or `requiresScopes: [[...]]`. */
function requirementExtensions(requirement: Requirement): Record<string, unknown> {
  return {
    ...(requirement.authenticated ? { authenticated: true } : {}),
    ...(requirement.requiresScopes ? { requiresScopes: requirement.requiresScopes } : {}),
  };
}

/**
 * Everything reading `parent.field` asks: the field's own requirement, its parent type's and its
 * result type's; on an interface, also every implementation's (any of them may answer).
 */
export function fieldRequirement(
  schema: GraphQLSchema,
  declared: DeclaredRequirements,
  parent: GraphQLCompositeType,
  field: GraphQLField<unknown, unknown>,
): Requirement {
  const owners = isInterfaceType(parent) ? [parent, ...schema.getPossibleTypes(parent)] : [parent];
  let requirement = NO_REQUIREMENT;
  for (const owner of owners) {
    for (const part of [
      declared.fields.get(`${owner.name}.${field.name}`),
      declared.types.get(owner.name),
    ])
      if (part) requirement = combine(requirement, part);
  }
  const result = declared.types.get(getNamedType(field.type).name);
  return result ? combine(requirement, result) : requirement;
}

/**
 * Authorizes `operationName` of a validated `document` for `caller`: which fields it may not see,
 * at which response paths, and the document without them. Null when it may see everything.
 */
export function authorizeOperation(
  schema: GraphQLSchema,
  declared: DeclaredRequirements,
  document: DocumentNode,
  operationName: string | null | undefined,
  caller: Caller,
  queryHash: string,
): FieldAuthorization | null {
  const operation = getOperationAST(document, operationName);
  if (!operation || (declared.fields.size === 0 && declared.types.size === 0)) return null;

  // Every field node is decided once, wherever its fragment is spread: its requirement depends only on its parent type.
  const denied = new Map<
    FieldNode,
    {
      index: number;
      coordinate: string;
      missing: Requirement;
      type: GraphQLOutputType;
      parentTypes: string[];
    }
  >();
  const fieldTypes = new Map<FieldNode, GraphQLOutputType>();
  const requirements = new Map<string, Requirement>();
  const typeInfo = new TypeInfo(schema);
  let index = 0;
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Field(node) {
        index++;
        const parent = typeInfo.getParentType();
        const field = typeInfo.getFieldDef();
        if (!parent || !field || node.name.value.startsWith('__')) return;
        fieldTypes.set(node, field.type);
        const coordinate = `${parent.name}.${field.name}`;
        let requirement = requirements.get(coordinate);
        if (!requirement)
          requirements.set(
            coordinate,
            (requirement = fieldRequirement(schema, declared, parent, field)),
          );
        const missing = missingRequirement(requirement, caller);
        if (missing) {
          const parentTypes = isAbstractType(parent)
            ? schema.getPossibleTypes(parent).map((type) => type.name)
            : [parent.name];
          denied.set(node, { index, coordinate, missing, type: field.type, parentTypes });
        }
      },
    }),
  );
  if (denied.size === 0) return null;

  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions)
    if (definition.kind === Kind.FRAGMENT_DEFINITION)
      fragments.set(definition.name.value, definition);
  const removed = removedPaths(operation.selectionSet, fragments, denied, fieldTypes);
  if (removed.length === 0) return null;

  const filtered = withoutFields(document, new Set(denied.keys()));
  const removedSet = [...denied.values()].map((d) => d.index).join(',');
  return {
    removed,
    document: filtered,
    operation: getOperationAST(filtered, operationName)!,
    queryHash: createHash('sha256')
      .update(`${queryHash}\0authorization\0${removedSet}`)
      .digest('hex'),
  };
}

/** The response paths of the denied fields the operation reaches, fragments expanded (skipping those that hold none). */
function removedPaths(
  root: SelectionSetNode,
  fragments: Map<string, FragmentDefinitionNode>,
  denied: Map<
    FieldNode,
    { coordinate: string; missing: Requirement; type: GraphQLOutputType; parentTypes: string[] }
  >,
  fieldTypes: Map<FieldNode, GraphQLOutputType>,
): RemovedField[] {
  const removed: RemovedField[] = [];
  const holdsDenied = new Map<string, boolean>();
  const fragmentHoldsDenied = (name: string, visiting: Set<string>): boolean => {
    let holds = holdsDenied.get(name);
    if (holds === undefined) {
      const fragment = fragments.get(name);
      holds =
        !!fragment &&
        !visiting.has(name) &&
        selectionHoldsDenied(fragment.selectionSet, new Set([...visiting, name]));
      holdsDenied.set(name, holds);
    }
    return holds;
  };
  const selectionHoldsDenied = (selectionSet: SelectionSetNode, visiting: Set<string>): boolean =>
    selectionSet.selections.some((selection) => {
      if (selection.kind === Kind.FIELD)
        return (
          denied.has(selection) ||
          (!!selection.selectionSet && selectionHoldsDenied(selection.selectionSet, visiting))
        );
      if (selection.kind === Kind.INLINE_FRAGMENT)
        return selectionHoldsDenied(selection.selectionSet, visiting);
      return fragmentHoldsDenied(selection.name.value, visiting);
    });

  const walk = (
    selectionSet: SelectionSetNode,
    ancestors: RemovedField['ancestors'],
    spread: Set<string>,
  ) => {
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        const key = selection.alias?.value ?? selection.name.value;
        const denial = denied.get(selection);
        if (denial)
          removed.push({
            coordinate: denial.coordinate,
            missing: denial.missing,
            ancestors,
            key,
            type: denial.type,
            parentTypes: denial.parentTypes,
          });
        else if (selection.selectionSet && fieldTypes.has(selection))
          walk(
            selection.selectionSet,
            [...ancestors, { key, type: fieldTypes.get(selection)! }],
            spread,
          );
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        walk(selection.selectionSet, ancestors, spread);
      } else {
        const name = selection.name.value;
        const fragment = fragments.get(name);
        if (fragment && !spread.has(name) && fragmentHoldsDenied(name, new Set()))
          walk(fragment.selectionSet, ancestors, new Set([...spread, name]));
      }
    }
  };
  walk(root, [], new Set());
  // A field reached twice at one path (two fragments selecting it) is one removal.
  const unique = new Map<string, RemovedField>();
  for (const field of removed)
    unique.set(
      JSON.stringify([field.ancestors.map((a) => a.key), field.key, field.parentTypes]),
      field,
    );
  return [...unique.values()];
}

/** `document` without `fields`; each selection set that lost one gets the type marker, which also keeps it from being empty. */
function withoutFields(document: DocumentNode, fields: Set<FieldNode>): DocumentNode {
  const marker: FieldNode = {
    kind: Kind.FIELD,
    alias: { kind: Kind.NAME, value: TYPE_MARKER },
    name: { kind: Kind.NAME, value: '__typename' },
  };
  return visit(document, {
    SelectionSet(node) {
      if (
        !node.selections.some((selection) => selection.kind === Kind.FIELD && fields.has(selection))
      )
        return undefined;
      return { ...node, selections: [...node.selections, marker] };
    },
    Field(node) {
      return fields.has(node) ? null : undefined;
    },
  });
}

/**
 * Puts null at every path of `removed` in `data` (each element of a list; a non-null field nulls
 * its nearest nullable parent, as GraphQL does) and removes the type markers. Returns the data
 * (null when a non-null root field was removed) and the concrete paths nulled: one per field
 * removed from an object that is in the response.
 */
export function nullRemovedFields(
  data: Record<string, unknown>,
  removed: RemovedField[],
): {
  data: Record<string, unknown> | null;
  nulled: { path: (string | number)[]; field: RemovedField }[];
} {
  const nulled: { path: (string | number)[]; field: RemovedField }[] = [];
  let dataIsNull = false;
  for (const field of removed) {
    if (dataIsNull) break;
    dataIsNull = atParents(data, field.ancestors, [], (object, path) => {
      if (!field.parentTypes.includes(object[TYPE_MARKER] as string)) return false;
      object[field.key] = null;
      nulled.push({ path: [...path, field.key], field });
      return isNonNullType(field.type);
    });
  }
  if (dataIsNull) return { data: null, nulled };
  for (const field of removed) {
    atParents(data, field.ancestors, [], (object) => {
      delete object[TYPE_MARKER];
      return false;
    });
  }
  return { data, nulled };
}

/**
 * Calls `visit` on every object reached from `object` along `ancestors` (every element of lists).
 * When `visit` answers true that object must become null: it is nulled in its list or field, and
 * so on upwards while the position is non-null. Answers true when `object` itself must become null.
 */
function atParents(
  object: Record<string, unknown>,
  ancestors: RemovedField['ancestors'],
  path: (string | number)[],
  visit: (parent: Record<string, unknown>, path: (string | number)[]) => boolean,
): boolean {
  if (ancestors.length === 0) return visit(object, path);
  const [{ key, type }, ...below] = ancestors;
  const mustBeNull = (
    value: unknown,
    valueType: GraphQLOutputType,
    valuePath: (string | number)[],
  ): boolean => {
    if (value === null || value === undefined) return false;
    const nullable = isNonNullType(valueType) ? valueType.ofType : valueType;
    if (!isListType(nullable))
      return atParents(value as Record<string, unknown>, below, valuePath, visit);
    const items = value as unknown[];
    let listMustBeNull = false;
    items.forEach((item, index) => {
      if (!mustBeNull(item, nullable.ofType, [...valuePath, index])) return;
      items[index] = null;
      if (isNonNullType(nullable.ofType)) listMustBeNull = true;
    });
    return listMustBeNull;
  };
  if (!mustBeNull(object[key], type, [...path, key])) return false;
  object[key] = null;
  return isNonNullType(type);
}

/** Where a request's filtered operation waits, on its context, from didResolveOperation to willSendResponse. */
const AUTHORIZATION_KEY = 'fieldAuthorization';

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

  // Derived from the supergraph: rebuilt, and every cached analysis dropped, when it is swapped.
  let declared = declaredRequirementsOf(deps.supergraph.current);
  // By document and operation, then by the caller's scope set.
  const analyses = new OperationCache<Map<string, FieldAuthorization | null>>();
  deps.supergraph.onUpdate((source) => {
    declared = declaredRequirementsOf(source.current);
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
        request.contextValue.governance[AUTHORIZATION_KEY] = authorization;
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
        const authorization = request.contextValue.governance[AUTHORIZATION_KEY] as
          FieldAuthorization | undefined;
        if (authorization) reportRemoved(request, authorization.removed);
      },
    },
  };
}

/** Nulls the removed paths of a single (non-incremental) response and adds an error for each. */
function reportRemoved(
  request: GraphQLRequestContextWillSendResponse<GatewayContext>,
  removed: RemovedField[],
): void {
  const body = request.response.body;
  if (body.kind !== 'single' || !body.singleResult.data) return;
  const { data, nulled } = nullRemovedFields(body.singleResult.data, removed);
  body.singleResult.data = data;
  if (nulled.length === 0) return;
  request.contextValue.governance.removedFields = nulled.map(({ path, field }) => ({
    path,
    requirement: describeRequirement(field.missing),
  }));
  body.singleResult.errors = [
    ...(body.singleResult.errors ?? []),
    ...nulled.map(({ path, field }) => ({
      message: `Unauthorized field or type: ${field.coordinate} requires ${describeRequirement(field.missing)}`,
      path,
      extensions: {
        code: GovernanceCode.UNAUTHORIZED_FIELD_OR_TYPE,
        coordinate: field.coordinate,
        ...requirementExtensions(field.missing),
      },
    })),
  ];
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
