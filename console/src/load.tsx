/** Loading a page's data: the value, the error in plain words, and a way to load again. */
import { useCallback, useEffect, useState } from 'react';
import { ApiError } from './api';

export interface Loaded<T> {
  value: T | null;
  error: string | null;
  loading: boolean;
  reload(): void;
}

/** What a failed request says to a reader: a refusal names the scope that was missing. */
export function describeError(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.status === 403 && error.requiredScope)
      return `Refused: this needs the ${error.requiredScope} scope, which you do not hold.`;
    return `${error.message} (${error.code})`;
  }
  return error instanceof Error ? error.message : String(error);
}

/** Runs `load` now and whenever `deps` change; a newer load wins over an older one still running. */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[]): Loaded<T> {
  const [state, setState] = useState<{ value: T | null; error: string | null; loading: boolean }>({
    value: null,
    error: null,
    loading: true,
  });
  const [round, setRound] = useState(0);
  useEffect(() => {
    let current = true;
    setState((s) => ({ ...s, loading: true }));
    load().then(
      (value) => current && setState({ value, error: null, loading: false }),
      (error: unknown) =>
        current && setState({ value: null, error: describeError(error), loading: false }),
    );
    return () => {
      current = false;
    };
  }, [...deps, round]);
  const reload = useCallback(() => setRound((r) => r + 1), []);
  return { ...state, reload };
}

/** The loading or error line of a Loaded, or null when the value is there. */
export function LoadState({ loaded, what }: { loaded: Loaded<unknown>; what: string }) {
  if (loaded.error)
    return (
      <p role="alert" className="error">
        Could not load {what}: {loaded.error}
      </p>
    );
  if (loaded.loading && loaded.value === null) return <p className="loading">Loading {what}…</p>;
  return null;
}
