/**
 * The `@tag` names contract variants filter on (the gateway's `contracts` config). A coordinate
 * carrying PARTNER_TAG is served to partner apps (external distributors, 3pls) bound to the
 * `partner` contract; everything else is hidden from them (deny by default), so tag only what a
 * partner should see of its own rows: never credit, cost, warehouse books or holds.
 */
export const PARTNER_TAG = 'partner';
