import type { ServiceClient } from '@switchyard/kit';

/** Days from issue to due date, by the customers subgraph's PaymentTerms: NETn is n days, COD is due on issue. */
export const PAYMENT_TERMS_DAYS: Readonly<Record<string, number>> = {
  COD: 0,
  NET15: 15,
  NET30: 30,
  NET45: 45,
  NET60: 60,
};

const CUSTOMER_TERMS = `query FinanceCustomerTerms($id: ID!) { customer(id: $id) { id paymentTerms } }`;

/**
 * The customer's payment terms as the customer master holds them when the invoice is issued (finance
 * keeps no copy that could go stale). An unreachable customers subgraph throws DependencyUnavailableError
 * and an unknown customer or terms throw too: the invoicing handler is then retried, and its event lands
 * in the exception queue if that keeps failing; nothing is invoiced on guessed terms.
 */
export async function paymentTermsDays(
  services: ServiceClient,
  customerId: string,
  correlationId: string,
): Promise<number> {
  const data = await services.query<{ customer: { paymentTerms: string } | null }>(
    'customers',
    CUSTOMER_TERMS,
    { id: customerId },
    { correlationId },
  );
  const terms = data.customer?.paymentTerms;
  if (terms === undefined)
    throw new Error(
      `customer ${customerId} is unknown to the customers subgraph: cannot date its invoice`,
    );
  const days = PAYMENT_TERMS_DAYS[terms];
  if (days === undefined)
    throw new Error(`customer ${customerId} has payment terms ${terms} finance does not know`);
  return days;
}
