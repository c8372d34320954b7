/**
 * The client name and version usage records a request under. The `apollographql-client-name` and
 * `-version` headers are the client's to choose, and every distinct pair becomes store fields in
 * every usage bucket; so, as the metrics cap operation names, a consumer's first
 * `maxClientsPerConsumer` pairs are recorded as sent (each cut to `maxLength` characters) and any
 * later pair as `other`. Per replica: a bound on what one client can make the store hold, not a
 * census (another replica may admit different pairs first).
 */
export interface ClientLabelOptions {
  /** Distinct (name, version) pairs recorded per consumer; later ones count as `other`. */
  maxClientsPerConsumer: number;
  /** Longer names and versions are cut to this many characters. */
  maxLength: number;
}

export interface ClientLabel {
  clientName: string;
  clientVersion: string;
}

/** The label of a client beyond its consumer's cap. */
export const OTHER_CLIENT: ClientLabel = Object.freeze({ clientName: 'other', clientVersion: '' });

export type ClientLabels = (
  consumer: string,
  name: string | null,
  version: string | null,
) => ClientLabel;

export function createClientLabels(options: ClientLabelOptions): ClientLabels {
  const byConsumer = new Map<string, Map<string, ClientLabel>>();
  const cut = (value: string) =>
    value.length > options.maxLength ? value.slice(0, options.maxLength) : value;
  return (consumer, name, version) => {
    const clientName = cut(name ?? 'unknown');
    const clientVersion = cut(version ?? '');
    let known = byConsumer.get(consumer);
    if (!known) byConsumer.set(consumer, (known = new Map()));
    const key = `${clientName}\u0000${clientVersion}`;
    let label = known.get(key);
    if (!label) {
      if (known.size >= options.maxClientsPerConsumer) return OTHER_CLIENT;
      known.set(key, (label = { clientName, clientVersion }));
    }
    return label;
  };
}
