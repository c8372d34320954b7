/**
 * A schema explorer over SDL (read by graphql-js, schema-sdl.ts): the types, filtered by name, and
 * the selected one's fields with their arguments and directives; the whole SDL a click away.
 * `fieldDetails` lets a page add to each field (the Schema page: its usage, scopes and cost).
 */
import { useEffect, useMemo, useState, type ReactNode } from 'react';
import type * as SdlModule from './schema-sdl';
import type { SdlType } from './schema-sdl';

export type { SdlType };

type SdlReader = typeof SdlModule;
let reader: Promise<SdlReader> | null = null;

/**
 * The SDL reader (graphql-js, ~50 kB), loaded the first time a page shows a schema rather than with
 * the console (the My API page is reached from the console's entry); null until it has loaded.
 */
export function useSdlReader(): SdlReader | null {
  const [loaded, setLoaded] = useState<SdlReader | null>(null);
  useEffect(() => {
    let live = true;
    reader ??= import('./schema-sdl');
    reader.then(
      (module) => live && setLoaded(module),
      () => {
        reader = null; // a failed chunk load is retried by the next page that asks
      },
    );
    return () => {
      live = false;
    };
  }, []);
  return loaded;
}

/** The types of `sdl`, or why it could not be read (a parse error names its line and column). */
function readTypes(sdl: string, sdlReader: SdlReader): { types: SdlType[]; error: string | null } {
  try {
    return { types: sdlReader.readSdl(sdl), error: null };
  } catch (error) {
    return { types: [], error: error instanceof Error ? error.message : String(error) };
  }
}

export function SchemaExplorer({
  sdl,
  label,
  fieldDetails,
  onSelect,
}: {
  sdl: string;
  label: string;
  fieldDetails?: (type: SdlType, field: string) => ReactNode;
  /** Told the type shown, first and on every change (a page loads what it adds per field). */
  onSelect?: (type: SdlType | null) => void;
}) {
  const sdlReader = useSdlReader();
  const { types, error } = useMemo(
    () => (sdlReader ? readTypes(sdl, sdlReader) : { types: [], error: null }),
    [sdl, sdlReader],
  );
  const [filter, setFilter] = useState('');
  const [chosen, setSelected] = useState<string | null>(null);
  // Until one is chosen, Query (or the first type) once the reader has read the SDL.
  const selected = chosen ?? types.find((t) => t.name === 'Query')?.name ?? types[0]?.name ?? null;
  const [showSdl, setShowSdl] = useState(false);
  const shown = types.filter((t) => t.name.toLowerCase().includes(filter.trim().toLowerCase()));
  const type = types.find((t) => t.name === selected) ?? null;
  useEffect(() => onSelect?.(type), [type, onSelect]);
  const id = label.replace(/\W+/g, '-').toLowerCase();
  return (
    <div aria-label={label} role="region">
      <div className="toolbar">
        <div>
          <label htmlFor={`${id}-filter`}>Find a type</label>
          <input
            id={`${id}-filter`}
            value={filter}
            onChange={(event) => setFilter(event.target.value)}
          />
        </div>
        <div>
          <label htmlFor={`${id}-type`}>Type</label>
          <select
            id={`${id}-type`}
            value={selected ?? ''}
            onChange={(event) => setSelected(event.target.value)}
          >
            {shown.map((t) => (
              <option key={t.name} value={t.name}>
                {t.name} ({t.kind})
              </option>
            ))}
          </select>
        </div>
        <button type="button" className="secondary" onClick={() => setShowSdl((s) => !s)}>
          {showSdl ? 'Hide SDL' : 'Show SDL'}
        </button>
      </div>
      {!sdlReader && <p className="loading">Reading the schema…</p>}
      {error && <p className="error">The schema could not be read: {error}</p>}
      {type && (
        <table aria-label={`Fields of ${type.name}`} data-type={type.name}>
          <thead>
            <tr>
              <th>{type.kind === 'enum' ? 'Value' : 'Field'}</th>
              {fieldDetails && <th>Usage, scopes, cost, lifecycle</th>}
            </tr>
          </thead>
          <tbody>
            {type.fields.length === 0 ? (
              <tr>
                <td>
                  <code>{type.text}</code>
                </td>
              </tr>
            ) : (
              type.fields.map((field) => (
                <tr key={field.name} data-field={`${type.name}.${field.name}`}>
                  <td>
                    <code>{field.line}</code>
                  </td>
                  {fieldDetails && <td>{fieldDetails(type, field.name)}</td>}
                </tr>
              ))
            )}
          </tbody>
        </table>
      )}
      {showSdl && (
        <pre aria-label={`${label} SDL`} style={{ maxHeight: 480 }}>
          {sdl}
        </pre>
      )}
    </div>
  );
}
