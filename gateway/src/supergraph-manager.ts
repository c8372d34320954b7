import type { SupergraphManager } from '@apollo/gateway';

type SupergraphSdlHookOptions = Parameters<SupergraphManager['initialize']>[0];

/**
 * Hands the gateway its supergraph and keeps the handle to replace it later without a restart
 * (the schema registry's hot reload uses `update`).
 */
export class SupergraphSource implements SupergraphManager {
  private updateGateway?: (sdl: string) => void;

  constructor(private sdl: string) {}

  async initialize({ update }: SupergraphSdlHookOptions) {
    this.updateGateway = update;
    return { supergraphSdl: this.sdl };
  }

  get current(): string {
    return this.sdl;
  }

  /** Swaps the supergraph; requests in flight finish on the old one. */
  update(sdl: string): void {
    this.sdl = sdl;
    this.updateGateway?.(sdl);
  }
}
