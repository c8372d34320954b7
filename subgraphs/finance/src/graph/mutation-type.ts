import { builder } from './builder';

/** The commands of finance; each lives with its concern (cash-application-commands.ts, invoice-commands.ts, tax-rate-commands.ts). */
builder.mutationType({
  description:
    'Commands on the finance records: each validates its input, writes in one transaction with the events it announces.',
});
