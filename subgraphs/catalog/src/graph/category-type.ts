import { PARTNER_TAG } from '@switchyard/kit';
import type { Category } from '../store';
import { builder } from './builder';
import { categoryLoader } from './loaders';

// Declared before it is implemented, because a category's parent is a category.
export const CategoryType = builder.objectRef<Category>('Category');

CategoryType.implement({
  description:
    'A node of the product category tree (e.g. Fasteners > Bolts); products belong to the leaves.',
  tag: PARTNER_TAG,
  fields: (t) => ({
    id: t.exposeID('id'),
    name: t.exposeString('name'),
    parent: t.field({
      type: CategoryType,
      nullable: true,
      description: 'The category above this one; null at the top of the tree.',
      resolve: (c, _args, ctx) => (c.parentId ? categoryLoader(ctx).load(c.parentId) : null),
    }),
  }),
});
