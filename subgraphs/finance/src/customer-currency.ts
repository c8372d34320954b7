import { badUserInput, type ServiceClient } from '@switchyard/kit';

const CUSTOMER_CURRENCY = `query FinanceCustomerCurrency($id: ID!) { customer(id: $id) { id currency } }`;

/**
 * The currency of a customer the customer master knows: finance records cash only for real customers
 * (an unknown one is BAD_USER_INPUT naming `argument`). The customers subgraph down or slow answers
 * DEPENDENCY_UNAVAILABLE: nothing is recorded, the caller may try again.
 */
export async function knownCustomerCurrency(
  ctx: { services: ServiceClient; correlationId: string },
  customerId: string,
  argument: string,
): Promise<string> {
  // A DependencyUnavailableError thrown here reaches the caller as DEPENDENCY_UNAVAILABLE (the kit's server maps it).
  const { customer } = await ctx.services.query<{ customer: { currency: string } | null }>(
    'customers',
    CUSTOMER_CURRENCY,
    { id: customerId },
    { correlationId: ctx.correlationId },
  );
  if (!customer) throw badUserInput(`${argument}: customer ${customerId} does not exist`, argument);
  return customer.currency;
}
