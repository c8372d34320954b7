import type { SupergraphManager } from '@apollo/gateway';
import { Supergraph } from '@apollo/federation-internals';
import type { GraphQLSchema } from 'graphql';
import { refuseUnenforcedSecurity, type SecurityEnforcement } from './security-enforcement';
import { supergraphForExecution } from './security-features';
import { supergraphDirectivesOf, type SupergraphDirectives } from './supergraph-directives';

type SupergraphSdlHookOptions = Parameters<SupergraphManager['initialize']>[0];

/** One supergraph and what governance derives from it, each built once, when first asked. */
class SupergraphVersion {
  private built?: Supergraph;
  private api?: GraphQLSchema;
  private index?: SupergraphDirectives;

  constructor(readonly sdl: string) {}

  private get supergraph(): Supergraph {
    this.built ??= Supergraph.build(this.sdl, { supportedFeatures: null });
    return this.built;
  }

  apiSchema(): GraphQLSchema {
    this.api ??= this.supergraph.apiSchema().toGraphQLJSSchema();
    return this.api;
  }

  directives(): SupergraphDirectives {
    this.index ??= supergraphDirectivesOf(this.supergraph.schema);
    return this.index;
  }
}

/**
 * The supergraph the gateway serves: hands it to @apollo/gateway, keeps the handle to replace it
 * without a restart (the schema registry's hot reload), and gives governance modules the API
 * schema and the directive index (supergraph-directives.ts), rebuilt on change.
 */
export class SupergraphSource implements SupergraphManager {
  private updateGateway?: (sdl: string) => void;
  private readonly listeners: ((source: SupergraphSource) => void)[] = [];
  private readonly guards: ((directives: SupergraphDirectives) => void)[] = [];
  private version: SupergraphVersion;
  private enforcement: SecurityEnforcement = 'none';

  constructor(sdl: string) {
    this.version = new SupergraphVersion(sdl);
  }

  async initialize({ update }: SupergraphSdlHookOptions) {
    this.updateGateway = update;
    return { supergraphSdl: supergraphForExecution(this.current, this.enforcement) };
  }

  /** The composed supergraph SDL, with every directive composition kept. */
  get current(): string {
    return this.version.sdl;
  }

  /** The schema clients see (federation machinery removed), as graphql-js. */
  apiSchema(): GraphQLSchema {
    return this.version.apiSchema();
  }

  /** The governance directives of the current supergraph, under whatever names it gives them. */
  get directives(): SupergraphDirectives {
    return this.version.directives();
  }

  /**
   * `check` runs on the current supergraph now and on every later one before it is swapped in: a
   * check that throws refuses that supergraph (now: the caller is not built; on a swap: the
   * current one stays served). For a module that cannot enforce what some supergraph declares.
   */
  guard(check: (directives: SupergraphDirectives) => void): void {
    check(this.directives);
    this.guards.push(check);
  }

  /**
   * Says who answers for the security directives (security-enforcement.ts), before the gateway
   * loads the supergraph. Nobody (`none`, also the default): a supergraph declaring any is refused,
   * now (throws UnenforcedSecurityError) and on every swap; their `for: SECURITY` links are kept
   * unless someone answers for them (security-features.ts).
   */
  enforceSecurityBy(enforcement: SecurityEnforcement): void {
    if (enforcement === 'none') this.guard(refuseUnenforcedSecurity);
    this.enforcement = enforcement;
  }

  /** Calls `listener` after every swap, so modules rebuild what they derived from the supergraph. */
  onUpdate(listener: (source: SupergraphSource) => void): void {
    this.listeners.push(listener);
  }

  /**
   * Swaps the supergraph; requests in flight finish on the old one. Throws, and keeps the current
   * one, when the new one cannot be read or a guard refuses it.
   */
  update(sdl: string): void {
    const next = new SupergraphVersion(sdl);
    const directives = next.directives();
    next.apiSchema();
    for (const check of this.guards) check(directives);
    // @apollo/gateway throws, its own schema unchanged, on a supergraph it cannot plan over: only
    // then is the version governance reads replaced, so both move together or neither does.
    this.updateGateway?.(supergraphForExecution(sdl, this.enforcement));
    this.version = next;
    for (const listener of this.listeners) listener(this);
  }
}
