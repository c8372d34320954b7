export { SEED_ANCHOR } from './clock';
export type { Dataset, GenerateOptions, SystemOfRecord, Tables } from './dataset';
export { generateDataset } from './generate';
export { seedIfEmpty, writeDataset, type SeedDatabases } from './write';
