import type { Rewrite, RewriteStep } from './planning/plan';
import { setOwn } from './result-tree';

type IsOfType = (typename: unknown, condition: string) => boolean;

/**
 * Applies a fetch's data rewrites to one representation (before it is sent) or one entity (before
 * it is merged): a ValueSetter writes a value at its path (the @interfaceObject's type name for the
 * subgraph that only knows the interface), a KeyRenamer moves the value at its path to another key
 * (a field the planner aliased because its type differs between subgraphs). Lists on the way are
 * walked element by element; objects not of the path's types are left alone.
 */
export function applyRewrites(
  rewrites: readonly Rewrite[],
  value: unknown,
  isOfType: IsOfType,
): void {
  for (const rewrite of rewrites) applyAt(rewrite, value, 0, isOfType);
}

function applyAt(rewrite: Rewrite, value: unknown, from: number, isOfType: IsOfType): void {
  if (value === null || typeof value !== 'object') return;
  if (Array.isArray(value)) {
    for (const element of value) applyAt(rewrite, element, from, isOfType);
    return;
  }
  const object = value as Record<string, unknown>;
  const step: RewriteStep | undefined = rewrite.path[from];
  if (!step) return;
  if ('typenames' in step) {
    if (step.typenames.some((name) => isOfType(object.__typename, name)))
      applyAt(rewrite, object, from + 1, isOfType);
    return;
  }
  const last = from === rewrite.path.length - 1;
  if (!last) {
    if (Object.hasOwn(object, step.key)) applyAt(rewrite, object[step.key], from + 1, isOfType);
    return;
  }
  if (rewrite.kind === 'ValueSetter') setOwn(object, step.key, rewrite.value);
  else if (Object.hasOwn(object, step.key) && step.key !== rewrite.renameTo) {
    setOwn(object, rewrite.renameTo, object[step.key]);
    delete object[step.key];
  }
}
