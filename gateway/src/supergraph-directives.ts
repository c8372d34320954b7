/**
 * The directives governance reads from a supergraph, found once per supergraph by the names its
 * `@link`s give them. Composition records each feature a subgraph used as a `@link` on the
 * supergraph's schema, and keeps a subgraph's renames there: `import: [{name: "@requiresScopes",
 * as: "@scopes"}]`, or a feature renamed with `as:` (`@fed__tag`, `@_0tag`). federation-internals
 * (CoreFeature.directiveNameInSchema) resolves those names as Apollo Router does, so a directive
 * of another feature that merely has the same name (a composed custom `@tag`) never counts.
 *
 * Coordinates are federation-internals' (schema coordinates): `Type`, `Type.field`,
 * `Type.field(arg:)`, `Enum.VALUE`, `Input.field`.
 */
import {
  AUTHENTICATED_VERSIONS,
  AuthenticatedSpecDefinition,
  COST_VERSIONS,
  costIdentity,
  POLICY_VERSIONS,
  PolicySpecDefinition,
  REQUIRES_SCOPES_VERSIONS,
  RequiresScopesSpecDefinition,
  TAG_VERSIONS,
  tagIdentity,
  type Directive,
  type FeatureDefinition,
  type FeatureDefinitions,
  type Schema,
} from '@apollo/federation-internals';

/** What a field or type asks of a caller, as `@authenticated`, `@requiresScopes` and `@policy` declare it. */
export interface AccessControl {
  authenticated: boolean;
  /** `@requiresScopes(scopes:)`: OR of AND-sets of scopes; null when not declared. */
  requiresScopes: string[][] | null;
  /** `@policy(policies:)`: OR of AND-sets of policy names; null when not declared. */
  policies: string[][] | null;
}

/** `@listSize` of a field, as the cost spec defines its arguments. */
export interface ListSize {
  assumedSize?: number;
  slicingArguments?: string[];
  sizedFields?: string[];
  /** Default true, as in the spec. */
  requireOneSlicingArgument: boolean;
}

/** Tag names by coordinate. */
export type CoordinateTags = ReadonlyMap<string, ReadonlySet<string>>;

/** A feature the supergraph links, as this index read it. */
export interface LinkedFeature {
  /** `https://specs.apollo.dev/requiresScopes/v0.1` */
  url: string;
  identity: string;
  /** `v0.1` */
  version: string;
  /** Each of the feature's directives by its name in the spec, with the name it has in this supergraph. */
  directiveNames: Readonly<Record<string, string>>;
  /**
   * What could not be read: a version federation-internals does not define, a definition that is
   * not the spec's, an application whose arguments are not of the spec's shape (left out of the
   * index). Empty when everything the feature declares is in the index.
   */
  problems: string[];
}

/** The features the index reads, by the key modules ask for them with. */
export type FeatureKey = 'authenticated' | 'requiresScopes' | 'policy' | 'tag' | 'cost';

export interface SupergraphDirectives {
  /** The features the supergraph links, among those read here. */
  features: Readonly<Partial<Record<FeatureKey, LinkedFeature>>>;
  /** `@authenticated`, `@requiresScopes`, `@policy` on fields (`Type.field`) and on types (`Type`). */
  authorization: {
    fields: ReadonlyMap<string, AccessControl>;
    types: ReadonlyMap<string, AccessControl>;
  };
  /** `@tag` names at every coordinate that carries one. */
  tags: CoordinateTags;
  /** `@cost(weight:)` at types, fields, arguments, input fields. */
  costs: ReadonlyMap<string, number>;
  /** `@listSize` at fields. */
  listSizes: ReadonlyMap<string, ListSize>;
  /** Every `@listSize(slicingArguments:)` name in use. */
  slicingArgumentNames: ReadonlySet<string>;
}

interface FeatureReader {
  identity: string;
  versions: FeatureDefinitions<FeatureDefinition>;
  /** Each directive's name in the spec, with what to do with an application of it. */
  directives: Record<string, (application: Directive, coordinate: string) => string | undefined>;
}

/** Reads the governance directives of a supergraph (or any schema that `@link`s these features). */
export function supergraphDirectivesOf(schema: Schema): SupergraphDirectives {
  const fields = new Map<string, AccessControl>();
  const types = new Map<string, AccessControl>();
  const tags = new Map<string, Set<string>>();
  const costs = new Map<string, number>();
  const listSizes = new Map<string, ListSize>();
  const slicingArgumentNames = new Set<string>();

  const accessAt = (application: Directive): AccessControl | undefined => {
    const parent: unknown = application.parent;
    const kind = (parent as { kind?: string }).kind;
    const coordinate = (parent as { coordinate: string }).coordinate;
    const map = kind === 'FieldDefinition' ? fields : kind?.endsWith('Type') ? types : undefined;
    if (!map) return undefined;
    let access = map.get(coordinate);
    if (!access)
      map.set(
        coordinate,
        (access = { authenticated: false, requiresScopes: null, policies: null }),
      );
    return access;
  };

  const readers: Record<FeatureKey, FeatureReader> = {
    authenticated: {
      identity: AuthenticatedSpecDefinition.identity,
      versions: AUTHENTICATED_VERSIONS,
      directives: {
        authenticated(application) {
          const access = accessAt(application);
          if (!access) return 'is not on a field or type';
          access.authenticated = true;
          return undefined;
        },
      },
    },
    requiresScopes: {
      identity: RequiresScopesSpecDefinition.identity,
      versions: REQUIRES_SCOPES_VERSIONS,
      directives: {
        requiresScopes(application) {
          const scopes = stringSets(application.arguments().scopes);
          if (!scopes) return 'scopes must be lists of scope names, as [["scope", ...], ...]';
          const access = accessAt(application);
          if (!access) return 'is not on a field or type';
          access.requiresScopes = scopes;
          return undefined;
        },
      },
    },
    policy: {
      identity: PolicySpecDefinition.identity,
      versions: POLICY_VERSIONS,
      directives: {
        policy(application) {
          const policies = stringSets(application.arguments().policies);
          if (!policies) return 'policies must be lists of policy names, as [["policy", ...], ...]';
          const access = accessAt(application);
          if (!access) return 'is not on a field or type';
          access.policies = policies;
          return undefined;
        },
      },
    },
    tag: {
      identity: tagIdentity,
      versions: TAG_VERSIONS,
      directives: {
        tag(application, coordinate) {
          const name: unknown = application.arguments().name;
          if (typeof name !== 'string') return 'name must be a string';
          let set = tags.get(coordinate);
          if (!set) tags.set(coordinate, (set = new Set()));
          set.add(name);
          return undefined;
        },
      },
    },
    cost: {
      identity: costIdentity,
      versions: COST_VERSIONS,
      directives: {
        cost(application, coordinate) {
          const weight: unknown = application.arguments().weight;
          if (!Number.isInteger(weight)) return 'weight must be a whole number';
          costs.set(coordinate, weight as number);
          return undefined;
        },
        listSize(application, coordinate) {
          const args = application.arguments();
          const assumedSize: unknown = args.assumedSize ?? undefined;
          const slicingArguments = optionalStringList(args.slicingArguments);
          const sizedFields = optionalStringList(args.sizedFields);
          const requireOne: unknown = args.requireOneSlicingArgument ?? true;
          if (
            (assumedSize !== undefined && !Number.isInteger(assumedSize)) ||
            slicingArguments === null ||
            sizedFields === null ||
            typeof requireOne !== 'boolean'
          )
            return 'arguments are not of the cost spec’s types';
          listSizes.set(coordinate, {
            ...(assumedSize !== undefined ? { assumedSize: assumedSize as number } : {}),
            ...(slicingArguments ? { slicingArguments } : {}),
            ...(sizedFields ? { sizedFields } : {}),
            requireOneSlicingArgument: requireOne,
          });
          for (const name of slicingArguments ?? []) slicingArgumentNames.add(name);
          return undefined;
        },
      },
    },
  };

  const features: Partial<Record<FeatureKey, LinkedFeature>> = {};
  for (const [key, reader] of Object.entries(readers) as [FeatureKey, FeatureReader][]) {
    const feature = schema.coreFeatures?.getByIdentity(reader.identity);
    if (!feature) continue;
    const spec = reader.versions.find(feature.url.version);
    const linked: LinkedFeature = {
      url: feature.url.toString(),
      identity: reader.identity,
      version: feature.url.version.toString(),
      directiveNames: {},
      problems: spec
        ? []
        : [
            `${feature.url.toString()}: version ${feature.url.version.toString()} is not one this gateway reads (${reader.versions
              .versions()
              .map(String)
              .join(', ')})`,
          ],
    };
    features[key] = linked;
    for (const [name, read] of Object.entries(reader.directives)) {
      const nameInSchema = feature.directiveNameInSchema(name);
      (linked.directiveNames as Record<string, string>)[name] = nameInSchema;
      const definition = schema.directive(nameInSchema);
      if (!definition) continue;
      // federation-internals' own check of a definition against the spec (it adds only what is missing, and the definition is there).
      const mismatches = spec?.directiveSpec(name)?.checkOrAdd(schema, feature) ?? [];
      if (mismatches.length > 0) {
        linked.problems.push(...mismatches.map((error) => error.message));
        continue;
      }
      for (const application of definition.applications()) {
        const coordinate = (application.parent as { coordinate?: unknown }).coordinate;
        const problem =
          typeof coordinate === 'string'
            ? read(application, coordinate)
            : 'is not on a schema element';
        if (problem)
          linked.problems.push(`${application.toString()} on ${String(coordinate)}: ${problem}`);
      }
    }
  }
  return {
    features,
    authorization: { fields, types },
    tags,
    costs,
    listSizes,
    slicingArgumentNames,
  };
}

/** A `[[String!]!]!` argument value, coerced as GraphQL coerces input lists (a lone value is a list of one); null when it is not strings. */
function stringSets(value: unknown): string[][] | null {
  return coerceStrings(value, 2) as string[][] | null;
}

/** A `[String!]` argument value (undefined when absent), coerced likewise; null when it is not strings. */
function optionalStringList(value: unknown): string[] | undefined | null {
  return value === undefined || value === null
    ? undefined
    : (coerceStrings(value, 1) as string[] | null);
}

function coerceStrings(value: unknown, depth: number): unknown {
  if (depth === 0) return typeof value === 'string' ? value : null;
  const items = (Array.isArray(value) ? value : [value]).map((item) =>
    coerceStrings(item, depth - 1),
  );
  return items.every((item) => item !== null) ? items : null;
}
