// The demo organisation's lead scores (see src/modules/demo/registry.ts): the demo leads are
// loaded in bulk, past the per-lead scoring, so they are scored here by the default rules.
import { formatCount, type DemoContext } from '../demo/model.ts';
import { rescoreOrganization } from './service.ts';

export async function seedDemoScores(context: DemoContext): Promise<string> {
  const { rescored } = await rescoreOrganization(context.db, context.orgId, { now: context.now });
  return `${formatCount(rescored)} lead scores`;
}
