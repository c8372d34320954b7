import path from 'node:path';

/** Where a subgraph's SDL is written (by its real process) for composition and for its in-memory twin. */
export const sdlFileOf = (workDir: string, subgraph: string) =>
  path.join(workDir, `${subgraph}.graphql`);

/** Where a subgraph's recorded answers are kept for its in-memory twin. */
export const recordedFileOf = (workDir: string, subgraph: string) =>
  path.join(workDir, `${subgraph}.recorded.json`);

/** Where a subgraph's recorded answers are kept by request body (compact JSON), for its in-memory twin to replay. */
export const replayFileOf = (workDir: string, subgraph: string) =>
  path.join(workDir, `${subgraph}.replay.json`);
