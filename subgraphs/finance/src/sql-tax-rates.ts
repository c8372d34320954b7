import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { FinanceDB } from './migrations';
import type { FinanceStore } from './store';

/** Tax rates by ship-to region, and the history of their changes (which rate applied when). */
export function createSqlTaxRates(
  db: Kysely<FinanceDB>,
): Pick<FinanceStore, 'listTaxRates' | 'taxRatesByRegions' | 'setTaxRate' | 'taxRateChanges'> {
  const toTaxRate = (row: { region: string; rate_bps: number }) => ({
    region: row.region,
    rateBps: Number(row.rate_bps),
  });
  return {
    async listTaxRates() {
      return (await db.selectFrom('tax_rates').selectAll().orderBy('region').execute()).map(
        toTaxRate,
      );
    },
    async taxRatesByRegions(regions) {
      if (regions.length === 0) return [];
      return (
        await db
          .selectFrom('tax_rates')
          .selectAll()
          .where('region', 'in', [...regions])
          .execute()
      ).map(toTaxRate);
    },
    setTaxRate(region, rateBps, command) {
      return db.transaction().execute(async (trx) => {
        const current = await trx
          .selectFrom('tax_rates')
          .select('rate_bps')
          .where('region', '=', region)
          .executeTakeFirst();
        if (current && Number(current.rate_bps) === rateBps) return { region, rateBps };
        await trx
          .insertInto('tax_rates')
          .values({ region, rate_bps: rateBps })
          .onConflict((oc) => oc.column('region').doUpdateSet({ rate_bps: rateBps }))
          .execute();
        await trx
          .insertInto('tax_rate_changes')
          .values({
            id: randomUUID(),
            region,
            previous_rate_bps: current ? Number(current.rate_bps) : null,
            rate_bps: rateBps,
            changed_at: new Date().toISOString(),
            changed_by: command.callerId,
          })
          .execute();
        return { region, rateBps };
      });
    },
    async taxRateChanges(regions) {
      if (regions.length === 0) return [];
      const rows = await db
        .selectFrom('tax_rate_changes')
        .selectAll()
        .where('region', 'in', [...regions])
        .orderBy('changed_at')
        .orderBy('id')
        .execute();
      return rows.map((row) => ({
        region: row.region,
        previousRateBps: row.previous_rate_bps === null ? null : Number(row.previous_rate_bps),
        rateBps: Number(row.rate_bps),
        changedAt: row.changed_at,
      }));
    },
  };
}
