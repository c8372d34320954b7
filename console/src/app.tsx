/**
 * The console's frame: the sign-in form until a credential is accepted, then the navigation (only
 * the pages the caller's scopes allow) and the page named by the location hash.
 */
import { useCallback, useEffect, useMemo, useState, type FormEvent } from 'react';
import { ApiError, type ConsoleApi } from './api';
import { missingScope, PAGES } from './pages';
import {
  forgetCredential,
  savedCredential,
  SessionContext,
  signIn,
  type Caller,
  type Session,
} from './session';

/** The current hash route without `#/`. */
function useHashPath(): string {
  const read = () => window.location.hash.replace(/^#\/?/, '').split('?')[0];
  const [path, setPath] = useState(read);
  useEffect(() => {
    const onChange = () => setPath(read());
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return path;
}

export function App() {
  const [signedIn, setSignedIn] = useState<{ caller: Caller; api: ConsoleApi } | null>(null);
  const [restoring, setRestoring] = useState(() => savedCredential() !== null);

  useEffect(() => {
    const saved = savedCredential();
    if (!saved) return;
    signIn(saved)
      .then(setSignedIn, () => forgetCredential())
      .finally(() => setRestoring(false));
  }, []);

  const signOut = useCallback(() => {
    forgetCredential();
    setSignedIn(null);
  }, []);

  const session = useMemo<Session | null>(
    () =>
      signedIn && {
        ...signedIn,
        holds: (scope) => signedIn.caller.scopes.includes(scope),
        signOut,
      },
    [signedIn, signOut],
  );

  if (restoring) return <p className="loading">Signing in…</p>;
  if (!session) return <SignIn onSignedIn={setSignedIn} />;
  return (
    <SessionContext.Provider value={session}>
      <Shell session={session} />
    </SessionContext.Provider>
  );
}

function SignIn({ onSignedIn }: { onSignedIn: (s: { caller: Caller; api: ConsoleApi }) => void }) {
  const [credential, setCredential] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setProblem(null);
    signIn(credential)
      .then(onSignedIn, (error: unknown) =>
        setProblem(
          error instanceof ApiError && error.status === 401
            ? 'The gateway does not accept this key or token.'
            : `Sign-in failed: ${error instanceof Error ? error.message : String(error)}`,
        ),
      )
      .finally(() => setBusy(false));
  };
  return (
    <main className="sign-in">
      <h1>Switchyard console</h1>
      <form onSubmit={submit}>
        <label htmlFor="credential">API key or JWT</label>
        <input
          id="credential"
          type="password"
          autoComplete="off"
          value={credential}
          onChange={(event) => setCredential(event.target.value)}
          required
        />
        <button type="submit" disabled={busy || credential.trim() === ''}>
          Sign in
        </button>
        {problem && (
          <p role="alert" className="error">
            {problem}
          </p>
        )}
        <p className="hint">
          Kept in this tab only (sessionStorage) and sent as the gateway expects: a JWT as a bearer
          token, anything else as x-api-key.
        </p>
      </form>
    </main>
  );
}

function Shell({ session }: { session: Session }) {
  const path = useHashPath();
  const visible = PAGES.filter((page) => missingScope(page, session.holds) === null);
  const page = PAGES.find((p) => p.path === path) ?? visible[0];
  const missing = page ? missingScope(page, session.holds) : null;
  const Page = page?.component;
  return (
    <div className="shell">
      <header>
        <span className="brand">Switchyard</span>
        <nav aria-label="Pages">
          {visible.map((p) => (
            <a key={p.path} href={`#/${p.path}`} aria-current={p === page ? 'page' : undefined}>
              {p.title}
            </a>
          ))}
        </nav>
        <span className="caller" title={session.caller.scopes.join(' ')}>
          {session.caller.name} <small>({session.caller.id})</small>
        </span>
        <button type="button" onClick={session.signOut}>
          Sign out
        </button>
      </header>
      <main>
        {!page || !Page ? (
          <p className="empty">
            Your scopes ({session.caller.scopes.join(', ') || 'none'}) open no page.
          </p>
        ) : missing ? (
          <p role="alert" className="error">
            {page.title} needs the {missing} scope, which {session.caller.id} does not hold.
          </p>
        ) : (
          <Page key={page.path} />
        )}
      </main>
    </div>
  );
}
