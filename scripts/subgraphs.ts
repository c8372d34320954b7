import type { SubgraphDefinition } from '@switchyard/kit';

/**
 * Each domain subgraph's package, in the order they start. Named literally, not built from the
 * name, so the dependency check and the bundler see every one.
 */
const SUBGRAPH_PACKAGES = {
  customers: () => import('@switchyard/customers'),
  catalog: () => import('@switchyard/catalog'),
  inventory: () => import('@switchyard/inventory'),
  orders: () => import('@switchyard/orders'),
  shipments: () => import('@switchyard/shipments'),
  finance: () => import('@switchyard/finance'),
};

/** The six domain subgraphs, in the order they start. */
export const SUBGRAPH_NAMES = Object.keys(SUBGRAPH_PACKAGES) as readonly SubgraphName[];
export type SubgraphName = keyof typeof SUBGRAPH_PACKAGES;

/** Loads `@switchyard/<name>`, whose index exports `<name>Subgraph`. */
export async function loadSubgraphDefinition(name: string): Promise<SubgraphDefinition<any, any>> {
  if (!Object.hasOwn(SUBGRAPH_PACKAGES, name)) throw new Error(`no subgraph named ${name}`);
  const module: Record<string, unknown> = await SUBGRAPH_PACKAGES[name as SubgraphName]();
  const definition = module[`${name}Subgraph`] as SubgraphDefinition<any, any> | undefined;
  if (!definition) throw new Error(`@switchyard/${name} does not export ${name}Subgraph`);
  return definition;
}
