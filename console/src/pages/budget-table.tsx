/**
 * A consumer's rate and cost budgets in their current windows, as the gateway's budget report gives
 * them (GET /admin/consumers/:id/budget for an admin, GET /admin/self/usage for the consumer itself).
 */
import { count, dateTime, percent } from '../format';

export interface BudgetRule {
  window: string;
  measure: string;
  limit: number;
  used: number;
  remaining: number;
  windowEnd: string;
}

export function BudgetTable({ rules, label }: { rules: BudgetRule[] | null; label: string }) {
  if (!rules || rules.length === 0)
    return <p className="empty">No rate budget applies to this consumer.</p>;
  return (
    <table aria-label={label}>
      <thead>
        <tr>
          <th>Window</th>
          <th>Measure</th>
          <th className="number">Used</th>
          <th className="number">Limit</th>
          <th className="number">Remaining</th>
          <th className="number">Used %</th>
          <th>Window ends</th>
        </tr>
      </thead>
      <tbody>
        {rules.map((rule) => (
          <tr key={`${rule.window}|${rule.measure}`}>
            <td>{rule.window}</td>
            <td>{rule.measure}</td>
            <td className="number">{count(rule.used)}</td>
            <td className="number">{count(rule.limit)}</td>
            <td className="number" data-testid={`remaining-${rule.window}-${rule.measure}`}>
              {count(rule.remaining)}
            </td>
            <td className="number">{percent(rule.limit ? rule.used / rule.limit : null)}</td>
            <td>{dateTime(rule.windowEnd)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
