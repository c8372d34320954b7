// `@switchyard/kit/testing`: what other packages' tests share. Production code never imports it (eslint.config.mjs).
export * from './subgraph-requests';
export * from './event-deliveries';
