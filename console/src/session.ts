/**
 * Who is signed in: the credential (an API key or a JWT, kept in sessionStorage so it dies with the
 * tab) and what the gateway says about its holder (GET /admin/whoami: id, kind, tier, scopes). The
 * pages and buttons shown follow those scopes; the gateway still decides every request.
 */
import { createContext, useContext } from 'react';
import { createApi, type ConsoleApi } from './api';

/** The scopes the console looks at. */
export const SCOPES = {
  admin: 'governance:admin',
  approve: 'schema:approve',
  operate: 'events:operate',
  finance: 'finance:read',
} as const;

/** The caller, as GET /admin/whoami answers. */
export interface Caller {
  id: string;
  name: string;
  kind: string;
  tier: string;
  scopes: string[];
  contract: string | null;
  persistedOperations: string;
  tenant: { customerIds: string[]; carrierIds: string[] } | null;
}

export interface Session {
  caller: Caller;
  api: ConsoleApi;
  /** Whether the caller holds `scope`. */
  holds(scope: string): boolean;
  signOut(): void;
}

const STORAGE_KEY = 'switchyard.console.credential';

export const savedCredential = (): string | null => sessionStorage.getItem(STORAGE_KEY);
export const forgetCredential = (): void => sessionStorage.removeItem(STORAGE_KEY);

/** Asks the gateway who holds `credential`; on success keeps the credential for this tab. */
export async function signIn(credential: string): Promise<{ caller: Caller; api: ConsoleApi }> {
  const api = createApi(credential.trim());
  const caller = await api.whoami();
  sessionStorage.setItem(STORAGE_KEY, credential.trim());
  return { caller, api };
}

export const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside a signed-in console');
  return session;
}
