/**
 * Deprecations: the lifecycle the schema registry gives a deprecated coordinate (deprecation-feed.ts),
 * enforced on each operation that uses one. Before the sunset the response carries the Deprecation,
 * Sunset and Link headers and `extensions.deprecations` (deprecation-headers.ts); inside a brownout
 * window, and from the sunset on, the operation is refused unless the consumer holds a waiver
 * (deprecation-phase.ts, deprecation-refusals.ts). Registering a manifest is checked the same way
 * (manifest-deprecations.ts).
 *
 * What an operation uses is derived once per operation and kept with the parsed document
 * (OperationCache), dropped when the feed or the supergraph changes; an empty feed answers every
 * request at once, so a graph with nothing deprecated does no work here.
 */
import type { DocumentNode, GraphQLInputType, GraphQLSchema } from 'graphql';
import type { GovernanceModule } from '../module';
import { OperationCache } from '../operation-cache';
import type { Deprecation, DeprecationFeed } from './deprecation-feed';
import {
  BROWNOUT_HEADER,
  brownoutHeader,
  lifecycleHeaders,
  noticeOf,
  type DeprecationNotice,
} from './deprecation-headers';
import { deprecationPhase, type DeprecationPhase } from './deprecation-phase';
import { fieldBrownout, fieldSunset } from './deprecation-refusals';
import { coordinatesInValue, operationCoordinates } from './selected-coordinates';

export interface DeprecationsDeps {
  /** Coordinates are read against its API schema; a new supergraph drops what was derived. */
  supergraph: { apiSchema(): GraphQLSchema; onUpdate(listener: () => void): void };
  feed: DeprecationFeed;
  /** The time the rules are applied at (ms since the epoch). Default Date.now. */
  clock?: () => number;
}

/** What the response carries (set in didResolveOperation, written in willSendResponse). */
export interface DeprecationsAnswer {
  headers: Record<string, string>;
  notices: DeprecationNotice[];
}

/** A deprecated coordinate an operation uses, and where it stands for the consumer now. */
export interface UsedDeprecation {
  deprecation: Deprecation;
  phase: DeprecationPhase;
}

/** What one operation uses of the feed, derived once. */
interface OperationDeprecations {
  inDocument: Deprecation[];
  /** Lifecycle headers of `inDocument`, built once. */
  headers: Record<string, string>;
  variables: { name: string; type: GraphQLInputType }[];
}

const NOTHING: OperationDeprecations = { inDocument: [], headers: {}, variables: [] };

export type DeprecationsModule = GovernanceModule & {
  /** The deprecated coordinates written in `document`'s operation, each with its phase for `consumerId` now (manifest registration). */
  usedBy(consumerId: string, document: DocumentNode, operationName: string): UsedDeprecation[];
};

export function createDeprecationsModule(deps: DeprecationsDeps): DeprecationsModule {
  const clock = deps.clock ?? Date.now;
  const analyses = new OperationCache<OperationDeprecations>();
  let watched: ReadonlySet<string> = new Set(deps.feed.current.byCoordinate.keys());
  deps.feed.onUpdate(() => {
    watched = new Set(deps.feed.current.byCoordinate.keys());
    analyses.clear();
  });
  deps.supergraph.onUpdate(() => analyses.clear());

  function analyse(document: DocumentNode, operationName: string): OperationDeprecations {
    const byCoordinate = deps.feed.current.byCoordinate;
    const used = operationCoordinates(
      deps.supergraph.apiSchema(),
      document,
      operationName,
      watched,
    );
    if (used.inDocument.length === 0 && used.variables.length === 0) return NOTHING;
    const inDocument = used.inDocument.map((coordinate) => byCoordinate.get(coordinate)!);
    return { inDocument, headers: lifecycleHeaders(inDocument), variables: used.variables };
  }

  /** The deprecations `variables` add to the document's own: the only per-request walk, for operations that can carry one. */
  function withVariables(
    analysis: OperationDeprecations,
    variables: Record<string, unknown> | undefined,
  ): Deprecation[] {
    const found = new Set<string>();
    for (const { name, type } of analysis.variables)
      coordinatesInValue(type, variables?.[name], watched, found);
    for (const deprecation of analysis.inDocument) found.delete(deprecation.coordinate);
    if (found.size === 0) return analysis.inDocument;
    const byCoordinate = deps.feed.current.byCoordinate;
    return [...analysis.inDocument, ...[...found].sort().map((c) => byCoordinate.get(c)!)];
  }

  return {
    name: 'deprecations',
    usedBy(consumerId, document, operationName) {
      if (watched.size === 0) return [];
      const at = clock();
      return analyse(document, operationName).inDocument.map((deprecation) => ({
        deprecation,
        phase: deprecationPhase(deprecation, consumerId, at),
      }));
    },
    operation: {
      didResolveOperation({ document, operation, request, contextValue }) {
        if (watched.size === 0 || !document || !operation) return;
        const analysis = analyses.get(document, operation.name?.value, () =>
          analyse(document, operation.name?.value ?? ''),
        );
        if (analysis === NOTHING) return;
        const deprecations =
          analysis.variables.length > 0
            ? withVariables(analysis, request.variables)
            : analysis.inDocument;
        if (deprecations.length === 0) return;

        const at = clock();
        const consumerId = contextValue.consumer?.id ?? null;
        const used = deprecations.map((deprecation) => ({
          deprecation,
          phase: deprecationPhase(deprecation, consumerId, at),
        }));
        const headers =
          deprecations === analysis.inDocument ? analysis.headers : lifecycleHeaders(deprecations);
        const sunset = used.filter(({ phase }) => phase.kind === 'sunset');
        if (sunset.length > 0) {
          contextValue.governance.refusedPastSunset = true;
          throw fieldSunset(
            sunset.map(({ deprecation }) => deprecation),
            consumerId,
            headers,
          );
        }
        for (const { deprecation, phase } of used)
          if (phase.kind === 'brownout') throw fieldBrownout(deprecation, phase.window, headers);

        const brownouts = brownoutHeader(used);
        contextValue.governance.deprecations = {
          headers: brownouts ? { ...headers, [BROWNOUT_HEADER]: brownouts } : headers,
          notices: used.map(({ deprecation, phase }) => noticeOf(deprecation, phase)),
        };
      },
      willSendResponse({ contextValue, response }) {
        const answer = contextValue.governance.deprecations;
        if (!answer) return;
        for (const [name, value] of Object.entries(answer.headers))
          response.http.headers.set(name, value);
        const result =
          response.body.kind === 'single'
            ? response.body.singleResult
            : response.body.initialResult;
        result.extensions = { ...result.extensions, deprecations: answer.notices };
      },
    },
  };
}
