import { seedDemoAccounts } from '../accounts/demo.ts';
import { seedDemoActivities } from '../activities/demo.ts';
import { seedDemoLeads } from '../leads/demo.ts';
import { seedDemoOpportunities } from '../opportunities/demo.ts';
import { seedDemoScores } from '../scoring/demo.ts';
import { seedDemoTasks } from '../tasks/demo.ts';
import { seedDemoQuotas } from '../quotas/demo.ts';
import { seedDemoForecasts } from '../forecasts/demo.ts';
import { seedDemoPartners } from '../partners/demo.ts';
import type { DemoPart } from './model.ts';

/**
 * The demo organisation, one part per capability, run in this order inside one transaction.
 * A capability that wants to show up in the demo (opportunities, activities, sequences…) writes a
 * `demo.ts` in its own module exporting a `DemoPart` seed function, and adds one line here, after
 * the parts whose records it builds on (an opportunity needs its account).
 */
export const DEMO_PARTS: DemoPart[] = [
  { capability: 'accounts', seed: seedDemoAccounts },
  { capability: 'leads', seed: seedDemoLeads },
  { capability: 'opportunities', seed: seedDemoOpportunities },
  // After every record it touches, and before scoring, which counts the leads' engagement.
  { capability: 'activities', seed: seedDemoActivities },
  { capability: 'scoring', seed: seedDemoScores },
  { capability: 'tasks', seed: seedDemoTasks },
  { capability: 'quotas', seed: seedDemoQuotas },
  { capability: 'forecasts', seed: seedDemoForecasts },
  // After opportunities: credits the partner pipeline's deals to the demo partners.
  { capability: 'partners', seed: seedDemoPartners },
];
