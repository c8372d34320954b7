import { builder } from './builder';

/** The commands of order capture; each lives with its concern (order-capture-commands.ts) and the kit's exception queue fields. */
builder.mutationType({
  description:
    'Commands on orders: each validates its input and writes in one transaction with the events it announces.',
});
