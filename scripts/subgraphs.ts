import type { SubgraphDefinition } from '@switchyard/kit';

/** The six domain subgraphs, in the order they start. */
export const SUBGRAPH_NAMES = [
  'customers',
  'catalog',
  'inventory',
  'orders',
  'shipments',
  'finance',
] as const;
export type SubgraphName = (typeof SUBGRAPH_NAMES)[number];

/** Loads `@switchyard/<name>`, whose index exports `<name>Subgraph`. */
export async function loadSubgraphDefinition(name: string): Promise<SubgraphDefinition<any, any>> {
  const module = await import(`@switchyard/${name}`);
  const definition = module[`${name}Subgraph`];
  if (!definition) throw new Error(`@switchyard/${name} does not export ${name}Subgraph`);
  return definition;
}
