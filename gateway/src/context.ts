/** What the gateway knows about one request while it runs. */
export interface GatewayContext {
  correlationId: string;
}
