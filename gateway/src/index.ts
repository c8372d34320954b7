export * from './config';
export * from './context';
export * from './server';
export * from './supergraph-config';
export * from './supergraph-manager';
