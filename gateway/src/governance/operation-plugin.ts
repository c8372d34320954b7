import type { ApolloServerPlugin, GraphQLRequestListener } from '@apollo/server';
import type { GatewayContext } from '../context';
import type { GovernanceModule, OperationHooks } from './module';

/**
 * The one Apollo Server plugin of governance: it calls every module's operation hooks, phase by
 * phase, in module order (so a refusal comes from the first module that refuses, always the same).
 * One listener serves every request: Apollo Server then starts one plugin per request instead of one
 * per module, and a phase no module takes part in is not a hook at all. A synchronous module hook
 * is not awaited. Null when no module has operation hooks.
 */
export function governancePlugin(
  modules: readonly GovernanceModule[],
): ApolloServerPlugin<GatewayContext> | null {
  const hooks = modules.flatMap((module) => (module.operation ? [module.operation] : []));
  // Hooks are plain functions (closures over their module): called without `this`.
  const inPhase = <Phase extends keyof OperationHooks>(phase: Phase) =>
    hooks
      .map((h) => h[phase])
      .filter((hook): hook is NonNullable<OperationHooks[Phase]> => hook !== undefined);
  const didResolveOperation = inPhase('didResolveOperation');
  const responseForOperation = inPhase('responseForOperation');
  const executionDidStart = inPhase('executionDidStart');
  const willSendResponse = inPhase('willSendResponse');
  if (hooks.length === 0) return null;

  const listener: GraphQLRequestListener<GatewayContext> = {};
  if (didResolveOperation.length > 0) {
    listener.didResolveOperation = async (request) => {
      for (const hook of didResolveOperation) {
        const pending = hook(request);
        if (pending) await pending;
      }
    };
  }
  if (responseForOperation.length > 0) {
    listener.responseForOperation = async (request) => {
      for (const hook of responseForOperation) {
        const answer = await hook(request);
        if (answer) return answer;
      }
      return null;
    };
  }
  if (executionDidStart.length > 0) {
    listener.executionDidStart = async (request) => {
      for (const hook of executionDidStart) hook(request);
    };
  }
  if (willSendResponse.length > 0) {
    listener.willSendResponse = async (request) => {
      for (const hook of willSendResponse) {
        const pending = hook(request);
        if (pending) await pending;
      }
    };
  }
  return { requestDidStart: async () => listener };
}
