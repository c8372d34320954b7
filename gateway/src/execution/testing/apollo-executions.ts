import type { ApolloGateway } from '@apollo/gateway';
import type { GatewayExecutor } from '@apollo/server-gateway-interface';
import type { SwitchyardGateway } from '../switchyard-gateway';

/**
 * Counts the operations @apollo/gateway's own executor runs inside a SwitchyardGateway: wraps the
 * executor its ApolloGateway's `load()` returns, so any path that hands it an operation is counted.
 * Call before the server starts.
 */
export function countApolloExecutions(gateway: SwitchyardGateway): () => number {
  const apollo = (gateway as unknown as { apollo: ApolloGateway }).apollo;
  const load = apollo.load.bind(apollo);
  let executions = 0;
  apollo.load = async (options) => {
    const loaded = await load(options);
    const executor: GatewayExecutor = loaded.executor!;
    return {
      ...loaded,
      executor: (request) => {
        executions++;
        return executor(request);
      },
    };
  };
  return () => executions;
}
