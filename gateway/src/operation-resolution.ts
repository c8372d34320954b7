import type { ApolloServerPlugin } from '@apollo/server';
import type { GatewayContext } from './context';
import { GovernanceCode, GovernanceError } from './governance/errors';

/**
 * Refuses, as the client's error (400), a request whose operation the gateway cannot run: an
 * operationName the document does not define, several operations and no operationName (Apollo
 * Server's OPERATION_RESOLUTION_FAILURE), or a subscription (served over HTTP by no one here).
 * Apollo Server leaves both checks to the executor when a gateway executes; without this plugin
 * the plan executor met them as a 500. The first plugin: its hook throws synchronously, so Apollo
 * Server answers with this error before any governance hook sees a request without an operation.
 */
export const operationResolutionPlugin: ApolloServerPlugin<GatewayContext> = {
  requestDidStart: () =>
    Promise.resolve({
      didResolveOperation({ operation, request }) {
        if (!operation) {
          throw new GovernanceError(
            GovernanceCode.OPERATION_RESOLUTION_FAILURE,
            request.operationName
              ? `Unknown operation named "${request.operationName}".`
              : 'Must provide operation name if query contains multiple operations.',
          );
        }
        if (operation.operation === 'subscription') {
          throw new GovernanceError(
            GovernanceCode.SUBSCRIPTION_NOT_SUPPORTED,
            'Subscriptions are not supported: send a query or a mutation.',
          );
        }
        return Promise.resolve();
      },
    }),
};
