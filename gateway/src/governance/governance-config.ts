/**
 * The governance config file (YAML): consumers, identity providers, and the options of every
 * governance module, validated as one object. An invalid file stops the gateway with one line per
 * problem naming the file, the line and the setting (`governance.yaml:14: consumers[2].kind must
 * be one of internal, portal, ecommerce, distributor, 3pl`); unknown keys are problems too, so a
 * misspelt setting is never silently ignored.
 *
 * Module sections left out of the file get the module's own defaults (documented on each module's
 * options); this file only holds what the file may say and how its parts must agree.
 */
import { readFileSync } from 'node:fs';
import {
  isAlias,
  isMap,
  isSeq,
  LineCounter,
  parseDocument,
  type Document,
  type Node as YamlNode,
} from 'yaml';
import { z } from 'zod';
import { parseDuration } from '@switchyard/kit';
import { API_KEY_HASH_PATTERN } from './identity/api-keys';
import { endUserTokensSchema, type EndUserTokenOptions } from './identity/end-user-tokens-config';
import { parseWindow } from './rate-budgets/rate-windows';
import { CONSUMER_KINDS, PERSISTED_OPERATION_MODES, type Consumer } from './consumer';
import { consumerCorsSchema, corsConfigSchema } from './cors/cors-config';
import { secretEnvName, secretFromEnv } from './secret-env';

/** The order-to-cash stages a root field may declare with `@tag(name: "stage:<stage>")`. */
export const ORDER_TO_CASH_STAGES = [
  'quote',
  'order-capture',
  'allocation',
  'fulfillment',
  'invoicing',
  'cash-application',
] as const;

const positiveInt = z.number().int().positive();
const nonEmpty = z.string().min(1);
/** A string `parse` accepts; what `parse` throws is the problem reported (one grammar, one message, for file and module). */
const parsedBy = (parse: (text: string) => unknown) =>
  z.string().superRefine((text, ctx) => {
    try {
      parse(text);
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: (error as Error).message });
    }
  });

const jwtIssuerSchema = z
  .strictObject({
    /** Must equal the token's `iss`. */
    issuer: nonEmpty,
    /** The token's `aud` must contain (one of) these. */
    audience: z.union([nonEmpty, z.array(nonEmpty).min(1)]),
    /** Where the issuer publishes its public keys (RS/PS/ES/EdDSA tokens). */
    jwksUrl: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
    /** The environment variable holding an HS256 shared secret (the file never holds the secret). */
    secretEnv: secretEnvName.optional(),
    /** The claim naming the consumer id. Default `client_id` (RFC 9068). */
    consumerClaim: nonEmpty.default('client_id'),
    /** The claim holding the token's scopes: a space-separated string or a list. Default `scope`. */
    scopesClaim: nonEmpty.default('scope'),
    /** Seconds of clock skew tolerated on exp/nbf. Default 5. */
    clockToleranceSeconds: z.number().int().min(0).max(300).default(5),
  })
  .superRefine((issuer, ctx) => {
    if (!issuer.jwksUrl === !issuer.secretEnv)
      ctx.addIssue({
        code: 'custom',
        path: [],
        message: 'needs exactly one of jwksUrl or secretEnv',
      });
    if (
      issuer.jwksUrl &&
      new URL(issuer.jwksUrl).protocol === 'http:' &&
      !isLoopback(new URL(issuer.jwksUrl).hostname)
    ) {
      ctx.addIssue({
        code: 'custom',
        path: ['jwksUrl'],
        message:
          'must be https (plain http only on localhost): keys fetched in the clear can be swapped',
      });
    }
  });

const tenantSchema = z.strictObject({
  /** Customer accounts (Customer.id) whose rows the consumer sees. */
  customers: z.array(nonEmpty).default([]),
  /** Carriers (Carrier.id) whose shipments the consumer sees. */
  carriers: z.array(nonEmpty).default([]),
});

const consumerSchema = z.strictObject({
  id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/, {
    error: 'must be 1-100 letters, digits, ".", "_" or "-", starting with a letter or digit',
  }),
  name: nonEmpty,
  kind: z.enum(CONSUMER_KINDS),
  apiKeys: z
    .array(
      z.strictObject({
        sha256: z.string().regex(API_KEY_HASH_PATTERN, {
          error: 'must be the lowercase hex SHA-256 of the key (64 characters)',
        }),
      }),
    )
    .default([]),
  scopes: z
    .array(z.string().regex(/^\S+$/, { error: 'must be a scope name without spaces' }))
    .default([]),
  tenant: tenantSchema.nullable().default(null),
  tier: nonEmpty,
  persistedOperations: z.enum(PERSISTED_OPERATION_MODES).default('allow'),
  contract: nonEmpty.nullable().default(null),
  requireClientName: z.boolean().default(false),
  requireOperationName: z.boolean().default(false),
  /** The origins of this consumer's own web pages (CORS), besides the top-level `cors.origins`. */
  cors: consumerCorsSchema,
});

const tierLimitsSchema = z.strictObject({
  depth: positiveInt.optional(),
  aliases: z.number().int().min(0).optional(),
  rootFields: positiveInt.optional(),
  tokens: positiveInt.optional(),
  cost: positiveInt.optional(),
});

const rateRuleSchema = z
  .strictObject({
    window: parsedBy(parseWindow),
    requests: positiveInt.optional(),
    cost: positiveInt.optional(),
  })
  .refine((rule) => rule.requests !== undefined || rule.cost !== undefined, {
    error: 'needs requests, cost or both',
  });

/** A contract variant: `@tag` names it keeps (deny by default) and names it removes; at least one of them, no name in both. */
const contractSchema = z
  .strictObject({ include: z.array(nonEmpty).default([]), exclude: z.array(nonEmpty).default([]) })
  .superRefine((contract, ctx) => {
    if (contract.include.length === 0 && contract.exclude.length === 0)
      ctx.addIssue({ code: 'custom', path: [], message: 'needs include, exclude or both' });
    const both = contract.include.filter((tag) => contract.exclude.includes(tag));
    if (both.length > 0)
      ctx.addIssue({
        code: 'custom',
        path: ['exclude'],
        message: `cannot also include ${both.map((tag) => JSON.stringify(tag)).join(', ')}`,
      });
  });

const stageSlaSchema = z.strictObject({ p95Ms: positiveInt, errorRate: z.number().min(0).max(1) });

const moduleSwitch = z.boolean().default(true);

/**
 * Where the registry tells a consumer about the deprecations it uses (issue 15): a webhook URL and
 * the environment variable holding its signing secret (the file never holds the secret), parsed to
 * `{ url, secret }`.
 */
function notifySchema(env: NodeJS.ProcessEnv) {
  return z
    .strictObject({
      webhook: z
        .strictObject({
          url: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }),
          secretEnv: secretEnvName,
        })
        .superRefine((webhook, ctx) => {
          secretFromEnv(env, webhook.secretEnv, 'HMAC-SHA256', ctx);
        })
        .transform(({ url, secretEnv }) => ({ url, secret: env[secretEnv] ?? '' })),
    })
    .optional();
}

function governanceConfigSchema(env: NodeJS.ProcessEnv) {
  const jwtIssuer = jwtIssuerSchema
    .superRefine((issuer, ctx) => {
      if (issuer.secretEnv) secretFromEnv(env, issuer.secretEnv, 'HS256', ctx);
    })
    .transform(({ secretEnv, ...issuer }) => ({
      ...issuer,
      secret: secretEnv ? env[secretEnv] : undefined,
    }));

  return z
    .strictObject({
      version: z.literal(1),
      identity: z
        .strictObject({
          /** The consumer a request without credentials is served as; null: such requests are refused. */
          anonymousConsumer: nonEmpty.nullable().default(null),
          jwt: z.array(jwtIssuer).default([]),
        })
        .default({ anonymousConsumer: null, jwt: [] }),
      authorization: z
        .strictObject({ onUnauthorized: z.enum(['filter', 'reject']).optional() })
        .optional(),
      persistedOperations: z.strictObject({ apq: z.boolean().optional() }).optional(),
      limits: z
        .strictObject({
          defaultListSize: positiveInt.optional(),
          tiers: z.record(nonEmpty, tierLimitsSchema).optional(),
        })
        .optional(),
      rateBudgets: z
        .strictObject({
          onStoreUnavailable: z.enum(['local', 'allow', 'deny']).optional(),
          leaseSize: z.number().gt(0).max(1).optional(),
          /** Fraction of a window budget (an hour or longer) whose use is logged and counted once per window. */
          warnAt: z.number().gt(0).max(1).optional(),
          /** How often a replica that saw a window exhausted reads its counter again (an admin reset elsewhere), ms. */
          exhaustedRecheckMs: positiveInt.optional(),
          tiers: z.record(nonEmpty, z.array(rateRuleSchema)).optional(),
          consumers: z.record(nonEmpty, z.array(rateRuleSchema)).optional(),
        })
        .optional(),
      usage: z
        .strictObject({
          flushIntervalMs: positiveInt.optional(),
          bucket: parsedBy(parseDuration).optional(),
          retentionDays: positiveInt.optional(),
          maxClientsPerConsumer: positiveInt.optional(),
          maxClientLabelLength: positiveInt.optional(),
          stages: z.partialRecord(z.enum(ORDER_TO_CASH_STAGES), stageSlaSchema).optional(),
          /** How far back the registry's schema checks count a consumer's usage: a consumer's own, else its tier's, else `default` (30d). */
          windows: z
            .strictObject({
              default: parsedBy(parseDuration).optional(),
              tiers: z.record(nonEmpty, parsedBy(parseDuration)).optional(),
              consumers: z.record(nonEmpty, parsedBy(parseDuration)).optional(),
            })
            .optional(),
        })
        .optional(),
      audit: z.strictObject({ maxRecords: positiveInt.optional() }).optional(),
      /** The sample of subgraph requests kept for contract replay (traffic-samples/traffic-samples.ts holds the defaults). */
      trafficSamples: z
        .strictObject({
          perOperation: positiveInt.optional(),
          retentionDays: positiveInt.optional(),
          sampleIntervalMs: z.number().int().min(0).optional(),
          maxOperationsPerSubgraph: positiveInt.optional(),
          candidateHosts: z.array(nonEmpty).min(1).optional(),
          replayTimeoutMs: positiveInt.optional(),
          replayConcurrency: positiveInt.optional(),
        })
        .optional(),
      contracts: z.record(nonEmpty, contractSchema).default({}),
      cors: corsConfigSchema,
      /** The embedded GraphiQL explorer at GET /graphql for browsers (and GET / pointing to it). Default off. */
      explorer: z.strictObject({ enabled: z.boolean().default(false) }).default({ enabled: false }),
      modules: z
        .strictObject({
          identity: moduleSwitch,
          authorization: moduleSwitch,
          persistedOperations: moduleSwitch,
          limits: moduleSwitch,
          rateBudgets: moduleSwitch,
          usage: moduleSwitch,
          audit: moduleSwitch,
          contracts: moduleSwitch,
          cors: moduleSwitch,
          /** Sunset dates, brownouts and waivers from the registry's deprecations feed (none without REGISTRY_URL). */
          deprecations: moduleSwitch,
          /** Keeps a masked sample of the requests sent to subgraphs (it stores request variables): off unless switched on. */
          trafficSamples: z.boolean().default(false),
        })
        .default({
          identity: true,
          authorization: true,
          persistedOperations: true,
          limits: true,
          rateBudgets: true,
          usage: true,
          audit: true,
          contracts: true,
          cors: true,
          deprecations: true,
          trafficSamples: false,
        }),
      consumers: z
        .array(
          consumerSchema.extend({
            notify: notifySchema(env),
            /** The storefront's identity provider whose end-user tokens narrow this consumer to one buyer. */
            endUserTokens: endUserTokensSchema(env),
          }),
        )
        .default([]),
    })
    .superRefine((config, ctx) => {
      const firstIndexOfId = new Map<string, number>();
      const ownerOfKey = new Map<string, string>();
      config.consumers.forEach((consumer, index) => {
        const at = (...path: (string | number)[]) => ['consumers', index, ...path];
        const earlier = firstIndexOfId.get(consumer.id);
        if (earlier !== undefined)
          ctx.addIssue({
            code: 'custom',
            path: at('id'),
            message: `"${consumer.id}" is already the id of consumers[${earlier}]`,
          });
        else firstIndexOfId.set(consumer.id, index);

        consumer.apiKeys.forEach(({ sha256 }, keyIndex) => {
          const owner = ownerOfKey.get(sha256);
          if (owner !== undefined)
            ctx.addIssue({
              code: 'custom',
              path: at('apiKeys', keyIndex, 'sha256'),
              message: `is already a key of consumer "${owner}"`,
            });
          else ownerOfKey.set(sha256, consumer.id);
        });

        for (const [section, tiers] of [
          ['limits', config.limits?.tiers],
          ['rateBudgets', config.rateBudgets?.tiers],
        ] as const) {
          if (tiers && !Object.hasOwn(tiers, consumer.tier)) {
            ctx.addIssue({
              code: 'custom',
              path: at('tier'),
              message: `"${consumer.tier}" is not a tier of ${section}.tiers (${Object.keys(tiers).join(', ') || 'none declared'})`,
            });
          }
        }
        if (consumer.contract !== null && !Object.hasOwn(config.contracts, consumer.contract)) {
          ctx.addIssue({
            code: 'custom',
            path: at('contract'),
            message: `"${consumer.contract}" is not declared under contracts (${Object.keys(config.contracts).join(', ') || 'none declared'})`,
          });
        }
        const tenantProblem = tenantProblemOf(consumer.kind, consumer.tenant);
        if (tenantProblem)
          ctx.addIssue({ code: 'custom', path: at('tenant'), message: tenantProblem });
      });

      const anonymous = config.identity.anonymousConsumer;
      if (anonymous !== null && !firstIndexOfId.has(anonymous)) {
        ctx.addIssue({
          code: 'custom',
          path: ['identity', 'anonymousConsumer'],
          message: `"${anonymous}" is not a declared consumer`,
        });
      }
      const issuers = new Set<string>();
      config.identity.jwt.forEach(({ issuer }, index) => {
        if (issuers.has(issuer))
          ctx.addIssue({
            code: 'custom',
            path: ['identity', 'jwt', index, 'issuer'],
            message: `"${issuer}" is declared twice`,
          });
        issuers.add(issuer);
      });
      for (const consumerId of Object.keys(config.usage?.windows?.consumers ?? {})) {
        if (!firstIndexOfId.has(consumerId))
          ctx.addIssue({
            code: 'custom',
            path: ['usage', 'windows', 'consumers', consumerId],
            message: 'is not a declared consumer',
          });
      }
      for (const consumerId of Object.keys(config.rateBudgets?.consumers ?? {})) {
        if (!firstIndexOfId.has(consumerId))
          ctx.addIssue({
            code: 'custom',
            path: ['rateBudgets', 'consumers', consumerId],
            message: 'is not a declared consumer',
          });
      }
    });
}

/** Rows are scoped by kind (subgraphs/kit/src/row-scope.ts): a tenant must say what that kind is scoped by. */
function tenantProblemOf(
  kind: Consumer['kind'],
  tenant: { customers: string[]; carriers: string[] } | null,
): string | null {
  if (kind === 'distributor' && !tenant?.customers.length)
    return 'a distributor needs tenant.customers (the accounts it may see); without them it sees no rows';
  if (kind === '3pl' && !tenant?.carriers.length)
    return 'a 3pl needs tenant.carriers (the carriers whose shipments it may see); without them it sees no rows';
  if (kind === 'internal' && tenant !== null)
    return 'must be null: internal consumers see every row, so a tenant would not restrict anything';
  return null;
}

export type GovernanceConfig = z.output<ReturnType<typeof governanceConfigSchema>>;
export type ConsumerConfig = GovernanceConfig['consumers'][number];
export type JwtIssuerConfig = GovernanceConfig['identity']['jwt'][number];

/** One problem of a config file, located. */
export interface ConfigProblem {
  line: number;
  /** The setting, as `consumers[2].kind` (empty for the file as a whole). */
  path: string;
  message: string;
}

/** An invalid config file; `message` has one `file:line: problem` line per problem. */
export class GovernanceConfigError extends Error {
  constructor(
    readonly source: string,
    readonly problems: ConfigProblem[],
  ) {
    super(
      problems
        .map(
          (problem) =>
            `${source}:${problem.line}: ${[problem.path, problem.message].filter(Boolean).join(' ')}`,
        )
        .join('\n'),
    );
    this.name = 'GovernanceConfigError';
  }
}

export interface ParseOptions {
  /** Where the file came from, for messages. Default `governance.yaml`. */
  source?: string;
  /** Resolves `secretEnv` names. Default: no variables (every secretEnv is reported as unset). */
  env?: NodeJS.ProcessEnv;
}

/** Validates the text of a governance config file; throws GovernanceConfigError listing every problem with its line. */
export function parseGovernanceConfig(text: string, options: ParseOptions = {}): GovernanceConfig {
  const source = options.source ?? 'governance.yaml';
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false });
  if (document.errors.length > 0) {
    throw new GovernanceConfigError(
      source,
      document.errors.map((error) => ({
        line: lineCounter.linePos(error.pos[0]).line,
        path: '',
        message: `is not valid YAML: ${firstLine(error.message)}`,
      })),
    );
  }
  const data: unknown = document.toJS({ maxAliasCount: 100 });
  if (data === null || data === undefined)
    throw new GovernanceConfigError(source, [
      {
        line: 1,
        path: '',
        message: 'the file is empty: expected a mapping starting with `version: 1`',
      },
    ]);

  const result = governanceConfigSchema(options.env ?? {}).safeParse(data);
  if (result.success) return result.data;
  const problems = result.error.issues.flatMap((issue) =>
    located(issue, data, document, lineCounter),
  );
  problems.sort((a, b) => a.line - b.line);
  throw new GovernanceConfigError(source, problems);
}

/** Reads and validates a governance config file, resolving `secretEnv` names from `env`. */
export function loadGovernanceConfig(
  file: string,
  env: NodeJS.ProcessEnv = process.env,
): GovernanceConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new GovernanceConfigError(file, [
      {
        line: 1,
        path: '',
        message: `cannot be read: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
      },
    ]);
  }
  return parseGovernanceConfig(text, { source: file, env });
}

/** A consumer as the gateway serves it, with the hashes of the API keys that identify it. */
export interface RegisteredConsumer {
  consumer: Consumer;
  apiKeySha256: string[];
  /** Its end-user tokens' issuer and customer claim (identity/end-user-tokens.ts); absent or null: it accepts none. */
  endUserTokens?: EndUserTokenOptions | null;
}

/** The config's consumers in the gateway's consumer model (`tenant.customers` → `tenant.customerIds`). */
export function registeredConsumersOf(config: GovernanceConfig): RegisteredConsumer[] {
  return config.consumers.map(
    ({ apiKeys, tenant, notify: _notify, cors: _cors, endUserTokens, ...consumer }) => ({
      consumer: {
        ...consumer,
        tenant: tenant && { customerIds: tenant.customers, carrierIds: tenant.carriers },
      },
      apiKeySha256: apiKeys.map((key) => key.sha256),
      endUserTokens,
    }),
  );
}

// ---- locating zod issues in the YAML document ----

type Issue = z.core.$ZodIssue;
type PathSegment = PropertyKey;

function located(
  issue: Issue,
  data: unknown,
  document: Document,
  lineCounter: LineCounter,
): ConfigProblem[] {
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => {
      const path = [...issue.path, key];
      return {
        line: lineOf(document, lineCounter, path),
        path: formatPath(path),
        message: 'is not a known setting',
      };
    });
  }
  return [
    {
      line: lineOf(document, lineCounter, issue.path),
      path: formatPath(issue.path),
      message: describe(issue, valueAt(data, issue.path)),
    },
  ];
}

/** A problem in words a config author acts on. */
function describe(issue: Issue, value: unknown): string {
  switch (issue.code) {
    case 'invalid_type':
      return value === undefined
        ? 'is required'
        : `must be ${EXPECTED[issue.expected] ?? issue.expected}, not ${describeValue(value)}`;
    case 'invalid_value':
      return issue.values.length === 1
        ? `must be ${JSON.stringify(issue.values[0])}`
        : `must be one of ${issue.values.join(', ')}`;
    case 'too_small':
      if (issue.origin === 'array')
        return `must have at least ${issue.minimum} item${Number(issue.minimum) === 1 ? '' : 's'}`;
      if (issue.origin === 'string') return 'must not be empty';
      return `must be ${issue.inclusive ? 'at least' : 'greater than'} ${issue.minimum}`;
    case 'too_big':
      if (issue.origin === 'array') return `must have at most ${issue.maximum} items`;
      if (issue.origin === 'string') return `must be at most ${issue.maximum} characters`;
      return `must be ${issue.inclusive ? 'at most' : 'less than'} ${issue.maximum}`;
    case 'invalid_union':
      return `must be ${describeUnion(issue)}, not ${describeValue(value)}`;
    case 'invalid_key':
      return `has an invalid key: ${issue.issues.map((inner) => describe(inner, undefined)).join('; ')}`;
    default:
      return issue.message;
  }
}

const EXPECTED: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  object: 'a mapping',
  record: 'a mapping',
  array: 'a list',
  null: 'null',
};

function describeUnion(issue: Extract<Issue, { code: 'invalid_union' }>): string {
  const expected = new Set(
    issue.errors.flatMap((branch) =>
      branch.flatMap((inner) =>
        inner.code === 'invalid_type' ? [EXPECTED[inner.expected] ?? inner.expected] : [],
      ),
    ),
  );
  return expected.size > 0 ? [...expected].join(' or ') : 'a valid value';
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return JSON.stringify(value);
}

function valueAt(data: unknown, path: readonly PathSegment[]): unknown {
  let value = data;
  for (const segment of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[segment];
  }
  return value;
}

/** The line of the deepest node of `path` present in the document (the key's line for a mapping entry). */
function lineOf(
  document: Document,
  lineCounter: LineCounter,
  path: readonly PathSegment[],
): number {
  let node: unknown = document.contents;
  let offset = (document.contents as YamlNode | null)?.range?.[0] ?? 0;
  for (const segment of path) {
    if (isAlias(node)) node = node.resolve(document);
    if (isMap(node)) {
      const pair = node.items.find(
        (item) =>
          (item.key as { value?: unknown } | null)?.value === segment || item.key === segment,
      );
      if (!pair) break;
      offset = (pair.key as YamlNode | null)?.range?.[0] ?? offset;
      node = pair.value;
    } else if (isSeq(node) && typeof segment === 'number' && node.items[segment] !== undefined) {
      node = node.items[segment];
      offset = (node as YamlNode).range?.[0] ?? offset;
    } else {
      break;
    }
  }
  return lineCounter.linePos(offset).line;
}

/** `consumers[2].kind`, as the file's author thinks of the setting. */
function formatPath(path: readonly PathSegment[]): string {
  return path.reduce<string>((text, segment) => {
    if (typeof segment === 'number') return `${text}[${segment}]`;
    const name = String(segment);
    const plain = /^[A-Za-z_][A-Za-z0-9_-]*$/.test(name);
    if (!plain) return `${text}[${JSON.stringify(name)}]`;
    return text ? `${text}.${name}` : name;
  }, '');
}

function firstLine(message: string): string {
  return message.split('\n')[0];
}

function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '127.0.0.1' || hostname === '[::1]';
}
