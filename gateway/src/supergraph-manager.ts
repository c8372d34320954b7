import type { SupergraphManager } from '@apollo/gateway';
import { Supergraph } from '@apollo/federation-internals';
import type { GraphQLSchema } from 'graphql';
import { supergraphForExecution } from './security-features';

type SupergraphSdlHookOptions = Parameters<SupergraphManager['initialize']>[0];

/**
 * The supergraph the gateway serves: hands it to @apollo/gateway, keeps the handle to replace it
 * without a restart (the schema registry's hot reload), and gives governance modules the API
 * schema and the raw supergraph (with its @requiresScopes, @cost, @tag ...), rebuilt on change.
 */
export class SupergraphSource implements SupergraphManager {
  private updateGateway?: (sdl: string) => void;
  private readonly listeners: ((source: SupergraphSource) => void)[] = [];
  private api?: GraphQLSchema;

  constructor(private sdl: string) {}

  async initialize({ update }: SupergraphSdlHookOptions) {
    this.updateGateway = update;
    return { supergraphSdl: supergraphForExecution(this.sdl) };
  }

  /** The composed supergraph SDL, with every directive composition kept. */
  get current(): string {
    return this.sdl;
  }

  /** The schema clients see (federation machinery removed), as graphql-js. */
  apiSchema(): GraphQLSchema {
    this.api ??= Supergraph.build(this.sdl, { supportedFeatures: null })
      .apiSchema()
      .toGraphQLJSSchema();
    return this.api;
  }

  /** Calls `listener` after every swap, so modules rebuild what they derived from the supergraph. */
  onUpdate(listener: (source: SupergraphSource) => void): void {
    this.listeners.push(listener);
  }

  /** Swaps the supergraph; requests in flight finish on the old one. */
  update(sdl: string): void {
    this.sdl = sdl;
    this.api = undefined;
    this.updateGateway?.(supergraphForExecution(sdl));
    for (const listener of this.listeners) listener(this);
  }
}
