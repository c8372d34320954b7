/**
 * The registry's work, behind the HTTP routes: checks, publishes and rollbacks (serialized per
 * graph), approvals, and what the history holds. Every change to the graph goes through `change`:
 * read the current versions, compose, check, and write the next graph version, all while holding
 * the graph's lock, so two publishes of different subgraphs never compose against the same base and
 * both end up in the supergraph.
 */
import { randomUUID } from 'node:crypto';
import type { Consumer } from '@switchyard/gateway/src/governance/consumer';
import { compose, withCandidate } from './composition';
import type { CheckReport, Composition, RunCheck, SubgraphVersionRef } from './checks/check-report';
import { approvalProblem } from './checks/fingerprint';
import { badInput, notFound, RegistryCode, RegistryError } from './errors';
import { assertCandidate, assertSubgraphName, type Candidate } from './candidate-input';
import { diffVersions, type DiffOutcome } from './version-diff';
import {
  GraphChangedError,
  type Approval,
  type CheckRun,
  type RegistryStore,
  type SubgraphVersion,
  type SupergraphVersion,
  type VersionKind,
} from './storage/registry-store';
import { createSupergraphWatch, type SupergraphWatch } from './supergraph-watch';

export type { Candidate, DiffOutcome };

export interface RegistryServiceOptions {
  store: RegistryStore;
  /** The graph this registry serves (one sequence of versions). */
  graph: string;
  /** Judges a change once composed (registry/src/checks/). */
  runCheck: RunCheck;
  /** How long an approval holds. Default 7 days. */
  approvalTtlMs?: number;
  /** How often a waiting long-poll looks for another replica's publish. Default 1 s. */
  watchPollMs?: number;
  now?: () => Date;
}

export interface CheckOutcome {
  run: CheckRun;
  /** The candidate's composition (the supergraph a publish would write). */
  after: Composition;
}

export type PublishOutcome =
  | { published: true; version: number; check: CheckRun; approvalId: string | null }
  | { published: false; reason: 'unchanged'; version: number };

export interface RegistryService {
  readonly graph: string;
  readonly watch: SupergraphWatch;
  check(subgraph: string, candidate: Candidate, caller: Consumer): Promise<CheckRun>;
  publish(
    subgraph: string,
    candidate: Candidate & { message: string; approvalId?: string },
    caller: Consumer,
  ): Promise<PublishOutcome>;
  rollback(
    subgraph: string,
    request: { version: number; message?: string; approvalId?: string },
    caller: Consumer,
  ): Promise<PublishOutcome>;
  approve(checkId: string, reason: string, caller: Consumer): Promise<Approval>;
  checkRun(id: string): Promise<CheckRun>;
  /** The newest check runs (of one subgraph, or all), newest first, with their approvals (the console's Changes page). */
  checkRuns(options: {
    limit: number;
    subgraph?: string;
  }): Promise<(CheckRun & { approvals: Approval[] })[]>;
  subgraphs(): Promise<SubgraphVersion[]>;
  /** The subgraph as it was at graph version `version` (its latest version at or before it). */
  subgraphAt(subgraph: string, version: number): Promise<SubgraphVersion>;
  history(subgraph?: string): Promise<SubgraphVersion[]>;
  diff(from: number, to: number): Promise<DiffOutcome>;
  currentSupergraph(): Promise<SupergraphVersion | null>;
  /** Writes `subgraphs` as the graph's first version when it has none; false when it already had one. */
  seed(subgraphs: SubgraphVersionRef[], author: string): Promise<boolean>;
}

/** How often a publish is composed and checked again when another writer moved the graph first. */
const MAX_ATTEMPTS = 3;

export function createRegistryService(options: RegistryServiceOptions): RegistryService {
  const { store, graph, runCheck } = options;
  const approvalTtlMs = options.approvalTtlMs ?? 7 * 24 * 3_600_000;
  const now = options.now ?? (() => new Date());
  const watch = createSupergraphWatch(store, graph, { pollMs: options.watchPollMs });
  let queue: Promise<unknown> = Promise.resolve();

  /** One change of the graph at a time in this process, and across processes through the store's lock. */
  function serialized<T>(work: () => Promise<T>): Promise<T> {
    const run = queue.then(() => store.withGraphLock(graph, work));
    queue = run.catch(() => undefined);
    return run;
  }

  async function runCheckOn(
    subgraph: string,
    candidate: SubgraphVersionRef,
    current: SubgraphVersion[],
    caller: Consumer,
    replayEndpoint?: string,
  ): Promise<CheckOutcome> {
    const refs = current.map(refOf);
    const after = compose(withCandidate(refs, candidate));
    const base = await store.currentSupergraph(graph);
    // An empty registry has nothing to compare with: the candidate is compared with itself.
    const before: Composition & { ok: true } = base
      ? { ok: true, supergraphSdl: base.supergraphSdl, apiSchemaSdl: base.apiSchemaSdl }
      : after.ok
        ? after
        : { ok: true, supergraphSdl: '', apiSchemaSdl: '' };
    let report: CheckReport;
    try {
      report = await runCheck({
        subgraph,
        current: refs,
        candidate,
        before,
        after,
        replayEndpoint,
      });
    } catch (error) {
      if (error instanceof RegistryError) throw error;
      throw new RegistryError(
        RegistryCode.CHECK_UNAVAILABLE,
        `The check could not run to the end: ${(error as Error).message}`,
        503,
        {},
        { 'retry-after': '5' },
      );
    }
    // Fail closed whatever the pipeline says: what does not compose never passes nor is approvable.
    const ok = after.ok && report.ok === true;
    const fingerprint = typeof report.fingerprint === 'string' ? report.fingerprint : null;
    const approvable = !ok && after.ok && report.approvalRequired !== false && fingerprint !== null;
    const run: CheckRun = {
      id: `chk_${randomUUID()}`,
      subgraph,
      baseVersion: base?.version ?? null,
      ok,
      approvable,
      fingerprint,
      report: { ...report, ok },
      author: authorOf(caller),
      createdAt: now().toISOString(),
    };
    run.report.id = run.id;
    if (!after.ok) run.report.composition = { ok: false, errors: after.errors };
    await store.saveCheckRun(graph, run);
    return { run, after };
  }

  /** The candidate as a version ref, with its URL defaulted to the current one; refuses bad input. */
  function candidateRef(
    subgraph: string,
    candidate: Candidate,
    current: SubgraphVersion[],
  ): SubgraphVersionRef {
    const existing = current.find((s) => s.subgraph === subgraph);
    const url = candidate.url ?? existing?.url;
    if (url === undefined)
      throw badInput(`Subgraph "${subgraph}" is new: give its routing URL (--url)`, {
        field: 'url',
      });
    return { name: subgraph, sdl: candidate.sdl, url };
  }

  async function change(
    subgraph: string,
    request: {
      candidate: Candidate;
      message: string;
      kind: VersionKind;
      approvalId?: string;
    },
    caller: Consumer,
  ): Promise<PublishOutcome> {
    return serialized(() => changeOnce(subgraph, request, caller, MAX_ATTEMPTS));
  }

  async function changeOnce(
    subgraph: string,
    request: Parameters<typeof change>[1],
    caller: Consumer,
    attemptsLeft: number,
  ): Promise<PublishOutcome> {
    // The base version first: a write after it shows as a conflict below, never as a lost change.
    const version = await store.currentVersion(graph);
    const current = await store.currentSubgraphs(graph);
    const candidate = candidateRef(subgraph, request.candidate, current);
    const existing = current.find((s) => s.subgraph === subgraph);
    if (existing && existing.sdl === candidate.sdl && existing.url === candidate.url)
      return { published: false, reason: 'unchanged', version: version ?? existing.version };

    const { run, after } = await runCheckOn(
      subgraph,
      candidate,
      current,
      caller,
      request.candidate.endpoint,
    );
    if (!after.ok)
      throw new RegistryError(
        RegistryCode.COMPOSITION_FAILED,
        `Subgraph "${subgraph}" does not compose with the other subgraphs' current versions; nothing was published`,
        409,
        { checkId: run.id, check: run.report },
      );
    let approvalId: string | null = null;
    if (!run.ok) {
      if (request.approvalId === undefined)
        throw new RegistryError(
          RegistryCode.CHECK_FAILED,
          run.approvable
            ? `The check of "${subgraph}" failed; nothing was published. A holder of schema:approve may approve check ${run.id}, then publish again with --approval`
            : `The check of "${subgraph}" failed; nothing was published`,
          409,
          { checkId: run.id, check: run.report },
        );
      await assertApprovalCovers(request.approvalId, run);
      approvalId = request.approvalId;
    }
    let next: number;
    try {
      next = await store.addGraphVersion(graph, {
        baseVersion: version,
        subgraphs: [
          {
            subgraph,
            sdl: candidate.sdl,
            url: candidate.url,
            author: authorOf(caller),
            message: request.message,
            kind: request.kind,
            checkId: run.id,
            approvalId,
          },
        ],
        supergraph: {
          supergraphSdl: after.supergraphSdl,
          apiSchemaSdl: after.apiSchemaSdl,
          subgraphVersions: Object.fromEntries(current.map((s) => [s.subgraph, s.version])),
        },
        createdAt: now().toISOString(),
      });
    } catch (error) {
      if (!(error instanceof GraphChangedError)) throw error;
      // Another writer got in first: compose and check again on what it wrote.
      if (attemptsLeft > 1) return changeOnce(subgraph, request, caller, attemptsLeft - 1);
      throw new RegistryError(
        RegistryCode.GRAPH_CHANGED,
        `The graph changed while "${subgraph}" was being checked, ${MAX_ATTEMPTS} times; nothing was published. Publish again`,
        409,
        { checkId: run.id },
      );
    }
    watch.notify();
    return { published: true, version: next, check: run, approvalId };
  }

  async function assertApprovalCovers(approvalId: string, run: CheckRun): Promise<void> {
    const approval = await store.approval(graph, approvalId);
    if (!approval) throw notFound(`No approval "${approvalId}"`, { approvalId });
    const refuse = (code: RegistryCode, message: string, reason: string) =>
      new RegistryError(code, message, 409, {
        checkId: run.id,
        approvalId,
        reason,
        check: run.report,
      });
    if (approval.subgraph !== run.subgraph)
      throw refuse(
        RegistryCode.APPROVAL_MISMATCH,
        `Approval ${approvalId} is of a check of "${approval.subgraph}", not "${run.subgraph}"; nothing was published`,
        'other-subgraph',
      );
    const problem = approvalProblem(
      {
        fingerprint: approval.fingerprint,
        approvedAt: approval.createdAt,
        expiresAt: approval.expiresAt,
      },
      { ok: run.ok, approvalRequired: run.approvable, fingerprint: run.fingerprint ?? undefined },
      now(),
    );
    if (problem === 'not-approvable')
      throw refuse(
        RegistryCode.APPROVAL_MISMATCH,
        `The check of "${run.subgraph}" failed in a way no approval covers; nothing was published`,
        problem,
      );
    if (problem === 'other-change')
      throw refuse(
        RegistryCode.APPROVAL_MISMATCH,
        `Approval ${approvalId} (of check ${approval.checkId}) does not cover this change: the change set or the consumers it affects differ; nothing was published`,
        problem,
      );
    if (problem === 'expired')
      throw refuse(
        RegistryCode.APPROVAL_EXPIRED,
        `Approval ${approvalId} expired at ${approval.expiresAt}; approve check ${run.id} again`,
        problem,
      );
  }

  return {
    graph,
    watch,
    async check(subgraph, candidate, caller) {
      assertSubgraphName(subgraph);
      assertCandidate(candidate);
      const current = await store.currentSubgraphs(graph);
      const { run } = await runCheckOn(
        subgraph,
        candidateRef(subgraph, candidate, current),
        current,
        caller,
        candidate.endpoint,
      );
      return run;
    },
    async publish(subgraph, request, caller) {
      assertSubgraphName(subgraph);
      assertCandidate(request);
      if (typeof request.message !== 'string' || request.message.trim() === '')
        throw badInput('A publish needs a message (--message): why this change', {
          field: 'message',
        });
      return change(
        subgraph,
        {
          candidate: { sdl: request.sdl, url: request.url },
          message: request.message,
          kind: 'publish',
          approvalId: request.approvalId,
        },
        caller,
      );
    },
    async rollback(subgraph, request, caller) {
      assertSubgraphName(subgraph);
      if (!Number.isSafeInteger(request.version) || request.version < 1)
        throw badInput('version must be a whole number from 1', { field: 'version' });
      const target = await store.subgraphAt(graph, subgraph, request.version);
      if (!target)
        throw notFound(`Subgraph "${subgraph}" had no version at or before ${request.version}`, {
          subgraph,
          version: request.version,
        });
      return change(
        subgraph,
        {
          candidate: { sdl: target.sdl, url: target.url },
          message:
            request.message?.trim() ||
            `rollback of ${subgraph} to version ${target.version} (as of version ${request.version})`,
          kind: 'rollback',
          approvalId: request.approvalId,
        },
        caller,
      );
    },
    async approve(checkId, reason, caller) {
      if (typeof reason !== 'string' || reason.trim() === '')
        throw badInput('An approval needs a reason (--reason)', { field: 'reason' });
      const run = await store.checkRun(graph, checkId);
      if (!run) throw notFound(`No check "${checkId.slice(0, 80)}"`, { checkId });
      if (run.ok || !run.approvable)
        throw new RegistryError(
          RegistryCode.NOT_APPROVABLE,
          run.ok
            ? `Check ${checkId} passed: there is nothing to approve`
            : `Check ${checkId} failed in a way no approval covers (it does not compose)`,
          409,
          { checkId },
        );
      const created = now();
      const approval: Approval = {
        id: `apr_${randomUUID()}`,
        subgraph: run.subgraph,
        checkId,
        fingerprint: run.fingerprint!,
        approver: authorOf(caller),
        reason: reason.trim(),
        createdAt: created.toISOString(),
        expiresAt: new Date(created.getTime() + approvalTtlMs).toISOString(),
      };
      await store.saveApproval(graph, approval);
      return approval;
    },
    async checkRun(id) {
      const run = await store.checkRun(graph, id);
      if (!run) throw notFound(`No check "${id.slice(0, 80)}"`, { checkId: id });
      return run;
    },
    async checkRuns({ limit, subgraph }) {
      if (subgraph !== undefined) assertSubgraphName(subgraph);
      return store.checkRuns(graph, { limit, subgraph });
    },
    subgraphs: () => store.currentSubgraphs(graph),
    async subgraphAt(subgraph, version) {
      assertSubgraphName(subgraph);
      const found = await store.subgraphAt(graph, subgraph, version);
      if (!found)
        throw notFound(`Subgraph "${subgraph}" had no version at or before ${version}`, {
          subgraph,
          version,
        });
      return found;
    },
    async history(subgraph) {
      if (subgraph !== undefined) assertSubgraphName(subgraph);
      return store.history(graph, subgraph);
    },
    diff: (from, to) => diffVersions(store, graph, from, to),
    currentSupergraph: () => store.currentSupergraph(graph),
    async seed(subgraphs, author) {
      return serialized(async () => {
        if ((await store.currentVersion(graph)) !== null) return false;
        const composition = compose(subgraphs);
        if (!composition.ok)
          throw new Error(
            `the seed does not compose:\n${composition.errors.map((e) => `- ${e.message}`).join('\n')}`,
          );
        await store.addGraphVersion(graph, {
          baseVersion: null,
          subgraphs: subgraphs.map((s) => ({
            subgraph: s.name,
            sdl: s.sdl,
            url: s.url,
            author,
            message: 'seeded from the repository',
            kind: 'seed',
            checkId: null,
            approvalId: null,
          })),
          supergraph: {
            supergraphSdl: composition.supergraphSdl,
            apiSchemaSdl: composition.apiSchemaSdl,
            subgraphVersions: {},
          },
          createdAt: now().toISOString(),
        });
        watch.notify();
        return true;
      });
    },
  };
}

function refOf(version: SubgraphVersion): SubgraphVersionRef {
  return { name: version.subgraph, sdl: version.sdl, url: version.url };
}

/** Who did it: the consumer, and the person behind a JWT when it names one. */
function authorOf(caller: Consumer): string {
  return caller.principal ? `${caller.id} (${caller.principal})` : caller.id;
}
