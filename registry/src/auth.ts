/**
 * Who may do what at the registry. Callers are identified exactly as at the gateway (x-api-key or
 * bearer JWT, the gateway's identity module) against the registry's own consumers file, in the
 * governance config's format; what they may do is their scopes:
 * - `schema:read`: list, history, diff, checks, the current supergraph (gateways hold it);
 * - `schema:check:<subgraph>`: run a check of that subgraph;
 * - `schema:publish:<subgraph>`: check, publish and roll back that subgraph (`schema:publish:*`: every one);
 * - `schema:approve`: approve a failing check.
 */
import type { Consumer } from '@switchyard/gateway/src/governance/consumer';
import { GovernanceError } from '@switchyard/gateway/src/governance/errors';
import { loadGovernanceConfig } from '@switchyard/gateway/src/governance/governance-config';
import {
  createIdentifier,
  identityOptionsOf,
  type Identifier,
} from '@switchyard/gateway/src/governance/identity/identity';
import { RegistryCode, RegistryError } from './errors';

export const READ_SCOPE = 'schema:read';
export const APPROVE_SCOPE = 'schema:approve';
export const checkScope = (subgraph: string) => `schema:check:${subgraph}`;
export const publishScope = (subgraph: string) => `schema:publish:${subgraph}`;
const PUBLISH_ANY_SCOPE = 'schema:publish:*';

export type RegistryAction =
  | { kind: 'read' }
  | { kind: 'approve' }
  | { kind: 'check'; subgraph: string }
  | { kind: 'publish'; subgraph: string };

export interface RegistryAuth {
  /** The caller, or UNAUTHENTICATED (401). A registry has no anonymous callers. */
  authenticate(headers: Record<string, string | string[] | undefined>): Promise<Consumer>;
  /** Refuses (403 FORBIDDEN) a caller whose scopes do not allow the action. */
  authorize(consumer: Consumer, action: RegistryAction): void;
}

/** Reads the consumers file (refusing an invalid one, as the gateway does) and builds the checks. */
export function loadRegistryAuth(configFile: string, env: NodeJS.ProcessEnv): RegistryAuth {
  return createRegistryAuth(
    createIdentifier(identityOptionsOf(loadGovernanceConfig(configFile, env))),
  );
}

export function createRegistryAuth(identifier: Identifier): RegistryAuth {
  return {
    async authenticate(headers) {
      try {
        return await identifier.identify(headers, { allowAnonymous: false });
      } catch (error) {
        if (!(error instanceof GovernanceError)) throw error;
        const { code, ...details } = error.extensions as Record<string, unknown>;
        delete details.http;
        throw new RegistryError(
          code === 'UNAUTHENTICATED' ? RegistryCode.UNAUTHENTICATED : RegistryCode.BAD_REQUEST,
          error.message,
          error.status,
          details,
          error.headers,
        );
      }
    },
    authorize(consumer, action) {
      const allowed = allowedScopes(action);
      if (allowed.some((scope) => consumer.scopes.includes(scope))) return;
      throw new RegistryError(
        RegistryCode.FORBIDDEN,
        `Consumer "${consumer.id}" may not ${describe(action)}: that needs the ${allowed[0]} scope`,
        403,
        { consumer: consumer.id, requiredScope: allowed[0] },
      );
    },
  };
}

function allowedScopes(action: RegistryAction): string[] {
  switch (action.kind) {
    case 'read':
      return [READ_SCOPE];
    case 'approve':
      return [APPROVE_SCOPE];
    case 'publish':
      return [publishScope(action.subgraph), PUBLISH_ANY_SCOPE];
    case 'check':
      return [checkScope(action.subgraph), publishScope(action.subgraph), PUBLISH_ANY_SCOPE];
  }
}

function describe(action: RegistryAction): string {
  switch (action.kind) {
    case 'read':
      return 'read the registry';
    case 'approve':
      return 'approve checks';
    case 'publish':
      return `publish subgraph "${action.subgraph}"`;
    case 'check':
      return `check subgraph "${action.subgraph}"`;
  }
}
