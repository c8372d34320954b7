/**
 * The console's pages, in the order of the navigation: each with its hash route, its title, the
 * scope a caller must hold to see it (null: any signed-in caller) and its component. A page is one
 * file in pages/; adding a page is one entry here.
 */
import type { ComponentType } from 'react';
import { AuditPage } from './pages/audit-page';
import { BusinessHealthPage } from './pages/business-health-page';
import { ChangesPage } from './pages/changes-page';
import { ConsumersPage } from './pages/consumers-page';
import { ExceptionsPage } from './pages/exceptions-page';
import { OverviewPage } from './pages/overview-page';
import { PartnerPage } from './pages/partner-page';
import { SchemaPage } from './pages/schema-page';
import { SCOPES } from './session';

export interface ConsolePage {
  /** The hash route, `#/<path>`. */
  path: string;
  title: string;
  /** The scope needed to see the page at all; without it the page is left out of the navigation. */
  requires: string | null;
  component: ComponentType;
}

export const PAGES: ConsolePage[] = [
  { path: 'overview', title: 'Overview', requires: SCOPES.admin, component: OverviewPage },
  { path: 'consumers', title: 'Consumers', requires: SCOPES.admin, component: ConsumersPage },
  { path: 'schema', title: 'Schema', requires: SCOPES.admin, component: SchemaPage },
  // What each button may do is the registry's to say (its own scopes, GET /whoami through the proxy).
  { path: 'changes', title: 'Changes', requires: SCOPES.admin, component: ChangesPage },
  {
    path: 'business-health',
    title: 'Business health',
    requires: null,
    component: BusinessHealthPage,
  },
  { path: 'exceptions', title: 'Exceptions', requires: SCOPES.operate, component: ExceptionsPage },
  { path: 'audit', title: 'Audit', requires: SCOPES.admin, component: AuditPage },
  // Any signed-in consumer: its own contract, operations, usage and manifests (a partner's self-service).
  { path: 'my-api', title: 'My API', requires: null, component: PartnerPage },
];

/** Which scope a caller lacks for `page`, or null when it may see it. */
export function missingScope(page: ConsolePage, holds: (scope: string) => boolean): string | null {
  return page.requires && !holds(page.requires) ? page.requires : null;
}

export { SCOPES };
