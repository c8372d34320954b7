/**
 * Schema: an explorer of the API schema and of each contract (the gateway's /admin/self/schema for
 * an admin is the API schema; /admin/contracts/:name each contract), with, per field of the type
 * shown: its usage over the last 7 days (requests and consumers, POST /admin/usage/coordinates), its
 * scopes and cost (@requiresScopes, @authenticated, @cost, @listSize, read from the registry's
 * supergraph), its deprecation with the sunset and who still uses it (the registry's deprecations
 * report). A GraphiQL playground, loaded only when opened, sends the signed-in credential.
 */
import { lazy, Suspense, useCallback, useMemo, useState } from 'react';
import { ApiError } from '../api';
import { count, dateTime } from '../format';
import { LoadState, useLoad } from '../load';
import { useSession } from '../session';
import { SchemaExplorer, useSdlReader, type SdlType } from './schema-explorer';

const Playground = lazy(() => import('./schema-playground'));

interface CoordinateUsage {
  coordinates: {
    coordinate: string;
    consumers: { consumer: string; requests: number }[];
  }[];
}

interface DeprecationRow {
  coordinate: string;
  sunset: string;
  replacement: string | null;
  state: string;
  usage: { available: boolean; users: { consumer: string; requests: number; lastSeen: string }[] };
}

export function SchemaPage() {
  const { api } = useSession();
  const [variant, setVariant] = useState<string>('');
  const consumers = useLoad(
    () => api.admin<{ consumers: { contract: string | null }[] }>('/consumers'),
    [],
  );
  const contracts = [
    ...new Set((consumers.value?.consumers ?? []).flatMap((c) => (c.contract ? [c.contract] : []))),
  ].sort();
  const schema = useLoad(
    () =>
      variant
        ? api.admin<{ sdl: string | null }>(`/contracts/${encodeURIComponent(variant)}`)
        : api.admin<{ sdl: string | null }>('/self/schema'),
    [variant],
  );
  // Scopes and cost live in the supergraph (the API schema leaves directives out).
  const supergraph = useLoad(
    () => api.registry<{ version: number; supergraphSdl: string }>('/supergraph'),
    [],
  );
  const deprecations = useLoad(
    () =>
      api
        .registry<{ deprecations: DeprecationRow[] }>('/deprecations/report')
        .catch((error: unknown) => {
          if (error instanceof ApiError && error.status === 404) return { deprecations: [] };
          throw error;
        }),
    [],
  );
  const supergraphSdl = supergraph.value?.supergraphSdl;
  const sdlReader = useSdlReader();
  // A supergraph the parser refuses shows no scopes rather than breaking the page.
  const directives = useMemo(() => {
    if (!supergraphSdl || !sdlReader) return { index: new Map<string, string[]>(), error: null };
    try {
      return { index: sdlReader.fieldDirectiveIndex(supergraphSdl), error: null };
    } catch (error) {
      return {
        index: new Map<string, string[]>(),
        error: error instanceof Error ? error.message : String(error),
      };
    }
  }, [supergraphSdl, sdlReader]);
  const [type, setType] = useState<SdlType | null>(null);
  const onSelect = useCallback((selected: SdlType | null) => setType(selected), []);
  const usage = useLoad(
    () =>
      type && type.kind !== 'enum' && type.fields.length > 0
        ? api.admin<CoordinateUsage>('/usage/coordinates', {
            method: 'POST',
            body: {
              coordinates: type.fields.map((f) => `${type.name}.${f.name}`),
              windows: { default: '7d' },
            },
          })
        : Promise.resolve<CoordinateUsage>({ coordinates: [] }),
    [type?.name, type?.fields.length],
  );
  const [playground, setPlayground] = useState(false);

  const details = (shown: SdlType, field: string) => {
    const coordinate = `${shown.name}.${field}`;
    const used = usage.value?.coordinates.find((c) => c.coordinate === coordinate);
    const requests = used?.consumers.reduce((sum, c) => sum + c.requests, 0) ?? 0;
    const deprecation = deprecations.value?.deprecations.find((d) => d.coordinate === coordinate);
    const deprecationReason = shown.fields.find((f) => f.name === field)?.deprecationReason;
    return (
      <div data-testid="field-details">
        <div data-testid="field-usage">
          {usage.loading && !usage.value
            ? 'usage…'
            : requests === 0
              ? 'not used in 7 days'
              : `${count(requests)} requests by ${used!.consumers
                  .map((c) => `${c.consumer} (${count(c.requests)})`)
                  .join(', ')}`}
        </div>
        {(directives.index.get(coordinate) ?? []).map((d) => (
          <span key={d} className="tag">
            {d}
          </span>
        ))}
        {deprecation ? (
          <div className="error">
            deprecated, sunset {deprecation.sunset} ({deprecation.state})
            {deprecation.replacement ? `, use ${deprecation.replacement}` : ''}; still used by{' '}
            {deprecation.usage.users.length === 0
              ? 'nobody'
              : deprecation.usage.users
                  .map((u) => `${u.consumer} (last ${dateTime(u.lastSeen)})`)
                  .join(', ')}
          </div>
        ) : (
          deprecationReason && (
            <div className="hint">deprecated ({deprecationReason}), no sunset set</div>
          )
        )}
      </div>
    );
  };

  return (
    <section aria-labelledby="schema-title">
      <h1 id="schema-title">Schema</h1>
      <div className="toolbar">
        <div>
          <label htmlFor="schema-variant">Schema</label>
          <select
            id="schema-variant"
            value={variant}
            onChange={(event) => setVariant(event.target.value)}
          >
            <option value="">API schema (every field)</option>
            {contracts.map((name) => (
              <option key={name} value={name}>
                contract {name}
              </option>
            ))}
          </select>
        </div>
        <button type="button" className="secondary" onClick={() => setPlayground((p) => !p)}>
          {playground ? 'Close the playground' : 'Open the playground'}
        </button>
      </div>
      {supergraph.error && (
        <p className="hint">
          Scopes and cost are not shown: the registry refused its supergraph ({supergraph.error}).
        </p>
      )}
      {directives.error && (
        <p className="hint">Scopes and cost are not shown: {directives.error}</p>
      )}
      {deprecations.error && (
        <p className="hint">Sunset dates are not shown: {deprecations.error}</p>
      )}
      {usage.error && <p className="hint">Usage is not shown: {usage.error}</p>}
      {playground && (
        <div className="panel" style={{ height: 560 }}>
          <Suspense fallback={<p className="loading">Loading the playground…</p>}>
            <Playground />
          </Suspense>
        </div>
      )}
      <div className="panel">
        <LoadState loaded={schema} what="the schema" />
        {schema.value &&
          (schema.value.sdl === null ? (
            <p className="empty">This contract exposes no fields.</p>
          ) : (
            <SchemaExplorer
              key={variant}
              sdl={schema.value.sdl}
              label={variant ? `Contract ${variant}` : 'API schema'}
              fieldDetails={details}
              onSelect={onSelect}
            />
          ))}
      </div>
    </section>
  );
}
