/** The registry's check pipeline: what the service runs for `subgraph check` and before each publish. */
export { createCheckRunner, type CheckRunnerDeps } from './check-runner';
export { createGatewayAdminSource, type GatewayAdminSourceOptions } from './gateway-admin-source';
export {
  SourceUnavailableError,
  type GovernanceSources,
  type RegisteredOperationBody,
  type UsageQuery,
  type UsageReading,
} from './governance-sources';
export {
  approvalCovers,
  approvalProblem,
  changeFingerprint,
  DEFAULT_APPROVAL_TTL_MS,
  type Approval,
  type ApprovalProblem,
} from './fingerprint';
export { renderCheckReport } from './render-report';
export type { ContractReplaySection, ReplayRegression } from './contract-replay';
export { UNKNOWN_RULE } from './usage-impact';
export * from './check-report';
