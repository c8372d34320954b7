/** One Jest run for the whole monorepo; TypeScript is transpiled by SWC (type checking is `npm run typecheck`). */
module.exports = {
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022', parser: { syntax: 'typescript' } }, module: { type: 'commonjs' } }] },
  testMatch: ['<rootDir>/{subgraphs,gateway,test}/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/.data/'],
  testTimeout: 60000,
  maxWorkers: 2,
};
