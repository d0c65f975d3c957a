// The channel partners of the demo organisation (see src/modules/demo/registry.ts): two tiers, three
// partners managed by the demo sales manager, the demo partner user at BrightPath Partners with a
// few deal registrations (pending with a shared conversation, one rejected with its reason), and the
// open and won deals of the partner pipeline credited to the partners, so the report has numbers.
import type { Actor } from '../../core/actor.ts';
import { addDays, dateOf } from '../opportunities/line-items.model.ts';
import { listOpportunities, updateOpportunity } from '../opportunities/opportunities.service.ts';
import { pipelineOfKind } from '../opportunities/pipelines.service.ts';
import type { DemoContext } from '../demo/model.ts';
import { addRegistrationNote, createPartner, createRegistration, createTier, decideRegistration, linkPartnerUser } from './service.ts';

export async function seedDemoPartners({ db, actor, people, random, now }: DemoContext): Promise<string> {
  const manager: Actor = { ...actor, userId: people.manager, role: 'manager' };
  const gold = await createTier(db, manager, { name: 'Gold' });
  const silver = await createTier(db, manager, { name: 'Silver' });
  const brightpath = await createPartner(db, manager, { name: 'BrightPath Partners', kind: 'reseller', tierId: gold.id, managerId: people.manager, website: 'https://brightpath-partners.demo' });
  const contoso = await createPartner(db, manager, { name: 'Contoso Referrals', kind: 'referral', tierId: silver.id, managerId: people.manager });
  const fabrikam = await createPartner(db, manager, { name: 'Fabrikam Integrations', kind: 'technology', tierId: null, managerId: people.manager });
  await linkPartnerUser(db, manager, brightpath.id, people.partner);

  const partnerUser: Actor = { ...actor, userId: people.partner, role: 'partner' };
  const today = dateOf(now);
  const prospects = [
    { company: 'Harbourside Logistics', domain: 'harbourside-logistics.demo', contactName: 'Maya Lindqvist', country: 'SE', amount: 3_600_000, currency: 'EUR', days: 75, productNotes: '40 Professional seats and the dialer add-on' },
    { company: 'Peakline Outdoor', domain: 'peakline.demo', contactName: 'Jordan Reyes', country: 'US', amount: 1_450_000, currency: 'USD', days: 45, productNotes: 'Starter seats for a 12-rep SDR team' },
    { company: 'Oakridge Analytics', domain: 'oakridge-analytics.demo', contactName: 'Priya Natarajan', country: 'GB', amount: 2_200_000, currency: 'GBP', days: 60, productNotes: 'Replacing their spreadsheet pipeline' },
  ];
  const registrations = [];
  for (const p of prospects) {
    registrations.push(
      await createRegistration(db, partnerUser, {
        company: p.company,
        domain: p.domain,
        contactName: p.contactName,
        contactEmail: `${p.contactName.split(' ')[0]!.toLowerCase()}@${p.domain}`,
        country: p.country,
        amount: p.amount,
        currency: p.currency,
        closeDate: addDays(today, p.days),
        productNotes: p.productNotes,
      }),
    );
  }
  await addRegistrationNote(db, partnerUser, registrations[0]!.id, { body: 'Their VP Sales saw our demo at the trade fair; budget is approved for next quarter.' });
  await addRegistrationNote(db, manager, registrations[0]!.id, { body: 'Thanks Tom — can you share who signs off on procurement?', shared: true });
  await addRegistrationNote(db, manager, registrations[0]!.id, { body: 'No overlap with the EMEA team’s pipeline; likely approve.', shared: false });
  await decideRegistration(db, manager, registrations[2]!.id, { decision: 'reject', reason: 'Oakridge is already in an active evaluation with our direct team.' });

  // Credit the partner pipeline's deals to the partners (most sourced, some influenced).
  const pipeline = await pipelineOfKind(db, manager, 'partner');
  const deals = await listOpportunities(db, manager, { pipelineId: pipeline.id, sort: 'closeDate', limit: 500 });
  const partnerIds = [brightpath.id, brightpath.id, contoso.id, fabrikam.id];
  for (const deal of deals.data) {
    await updateOpportunity(db, manager, deal.id, { partnerId: random.pick(partnerIds), partnerRole: random.next() < 0.8 ? 'sourced' : 'influenced' }, undefined);
  }
  return `3 partners, ${registrations.length} deal registrations, ${deals.data.length} partner deals credited`;
}
