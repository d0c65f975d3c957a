// The deals of the demo organisation (see src/modules/demo/registry.ts): about 400 opportunities on
// the demo accounts across the default pipelines and every stage — won and lost over the last six
// months, open ones closing in the next three — with backdated stage history, line items from a
// small price book, the people on each deal, and the accounts of won deals made customers.
import type { Actor } from '../../core/actor.ts';
import type { Db } from '../../core/db.ts';
import { markCustomer } from '../accounts/customers.service.ts';
import { listAccounts, listContacts, type AccountView, type ContactView } from '../accounts/service.ts';
import { formatCount, repsFor, uuidv7At, type DemoContext, type Random } from '../demo/model.ts';
import { createProduct, listProducts } from '../products/service.ts';
import { addMonths, dateOf, lineTotal } from './line-items.model.ts';
import type { OpportunitySource } from './model.ts';
import { listPipelines, type PipelineView, type StageView } from './pipelines.service.ts';
import { lineItems, opportunities, opportunityContacts, opportunityHistory } from './schema.ts';

export const DEMO_OPPORTUNITIES = 400;
const DAY = 24 * 3600 * 1000;

/** What the demo sells, list prices per month (recurring) or once, in minor units. */
const PRICE_BOOK = [
  { sku: 'LF-STARTER', name: 'Leadflow Starter seat', billing: 'recurring', prices: { USD: 2_900, EUR: 2_700, GBP: 2_300 } },
  { sku: 'LF-PRO', name: 'Leadflow Professional seat', billing: 'recurring', prices: { USD: 7_900, EUR: 7_400, GBP: 6_300 } },
  { sku: 'LF-ENT', name: 'Leadflow Enterprise seat', billing: 'recurring', prices: { USD: 14_900, EUR: 13_900, GBP: 11_900 } },
  { sku: 'LF-DIALER', name: 'Power dialer add-on', billing: 'recurring', prices: { USD: 3_500, EUR: 3_300, GBP: 2_800 } },
  { sku: 'LF-ONBOARD', name: 'Onboarding package', billing: 'one_time', prices: { USD: 450_000, EUR: 420_000, GBP: 360_000 } },
  { sku: 'LF-TRAIN', name: 'Sales team training day', billing: 'one_time', prices: { USD: 180_000, EUR: 170_000, GBP: 145_000 } },
] as const;
type Currency = keyof (typeof PRICE_BOOK)[number]['prices'];

const LOSS_REASONS = ['Price', 'Chose a competitor', 'No decision', 'Budget cut', 'Timing', 'Missing feature', 'Went dark'];
const WIN_REASONS = ['Best product fit', 'Price', 'Relationship with the rep', 'Faster onboarding', 'Integrations', 'Champion pushed it through'];
const COMPETITORS = ['Salesforce', 'HubSpot', 'Pipedrive', 'Close', 'Zoho CRM', 'Freshsales'];
const NEXT_STEPS = ['Send the proposal', 'Demo for the wider team', 'Security questionnaire', 'Call with procurement', 'Agree the pilot scope', 'Legal review of the order form', 'Pricing call with the CFO'];
const DEAL_NAMES = ['Sales team rollout', 'Inside sales seats', 'Pilot', 'Dialer add-on', 'Annual plan', 'EMEA expansion', 'Onboarding', 'CRM replacement', 'SDR team', 'Renewal'];

/** Euro for the continent, pounds for the UK, dollars elsewhere. */
const currencyOf = (country: string | null): Currency =>
  country === 'GB' ? 'GBP' : ['US', 'CA', 'AU'].includes(country ?? 'US') ? 'USD' : 'EUR';

type OpportunityRow = typeof opportunities.$inferInsert;
type HistoryRow = typeof opportunityHistory.$inferInsert;
type LineRow = typeof lineItems.$inferInsert;
type DealContactRow = typeof opportunityContacts.$inferInsert;
type PricedProduct = { id: string; sku: string; name: string; billing: 'recurring' | 'one_time'; prices: Record<Currency, number> };

async function allPages<T>(page: (cursor: string | undefined) => Promise<{ data: T[]; nextCursor: string | null }>): Promise<T[]> {
  const out: T[] = [];
  let cursor: string | undefined;
  do {
    const result = await page(cursor);
    out.push(...result.data);
    cursor = result.nextCursor ?? undefined;
  } while (cursor);
  return out;
}

/** The org's price book, with the demo products added when it has none. */
async function demoPriceBook(db: Db, actor: Actor): Promise<PricedProduct[]> {
  let products = await allPages((cursor) => listProducts(db, actor, { limit: 500, cursor }));
  if (products.length === 0) {
    for (const product of PRICE_BOOK) {
      await createProduct(db, actor, {
        sku: product.sku,
        name: product.name,
        billing: product.billing,
        prices: Object.entries(product.prices).map(([currency, unitPrice]) => ({ currency, unitPrice })),
      });
    }
    products = await allPages((cursor) => listProducts(db, actor, { limit: 500, cursor }));
  }
  return products.flatMap((p) => {
    const price = (currency: Currency) => p.prices.find((x) => x.currency === currency)?.unitPrice;
    const prices = { USD: price('USD'), EUR: price('EUR'), GBP: price('GBP') };
    return p.active && prices.USD !== undefined && prices.EUR !== undefined && prices.GBP !== undefined ? [{ id: p.id, sku: p.sku, name: p.name, billing: p.billing, prices: prices as Record<Currency, number> }] : [];
  });
}

/** The way a deal went: the stages it passed, ending in the one it sits in. */
function stagePath(random: Random, pipeline: PipelineView, outcome: 'open' | 'won' | 'lost'): StageView[] {
  const open = pipeline.stages.filter((s) => s.outcome === 'open');
  if (outcome === 'won') return [...open, pipeline.stages.find((s) => s.outcome === 'won')!];
  // Lost deals mostly drop out early; open ones sit in every stage, more of them near the top.
  const reached = outcome === 'lost' ? Math.min(open.length, 1 + Math.floor(random.next() ** 1.6 * open.length)) : 1 + Math.floor(random.next() ** 1.3 * open.length);
  const path = open.slice(0, reached);
  return outcome === 'lost' ? [...path, pipeline.stages.find((s) => s.outcome === 'lost')!] : path;
}

/** A weekday moment in business hours (UTC) on the date of `at`, no later than `latest`. */
function businessMoment(random: Random, at: number, latest: number): Date {
  const moment = new Date(at);
  const weekday = moment.getUTCDay();
  if (weekday === 0 || weekday === 6) moment.setUTCDate(moment.getUTCDate() - (weekday === 0 ? 2 : 1));
  moment.setUTCHours(random.int(8, 17), random.int(0, 59), random.int(0, 59), 0);
  return moment.getTime() > latest ? new Date(latest - random.int(60, 3600) * 1000) : moment;
}

export async function seedDemoOpportunities(context: DemoContext): Promise<string> {
  const { db, orgId, actor, people, random, now } = context;
  const pipelines = await listPipelines(db, actor);
  const byKind = (kind: string) => pipelines.find((p) => p.kind === kind);
  const newBusiness = byKind('new_business') ?? pipelines[0];
  if (!newBusiness) return 'no pipelines, so no opportunities';
  const accountList = await allPages((cursor) => listAccounts(db, actor, { limit: 500, cursor }));
  const contactList = await allPages((cursor) => listContacts(db, actor, { limit: 500, cursor }));
  const contactsOf = new Map<string, ContactView[]>();
  for (const contact of contactList) if (contact.accountId) contactsOf.set(contact.accountId, [...(contactsOf.get(contact.accountId) ?? []), contact]);
  const customers = accountList.filter((a) => a.lifecycleStage === 'customer');
  const products = await demoPriceBook(db, actor);

  const deals: OpportunityRow[] = [];
  const history: HistoryRow[] = [];
  const lines: LineRow[] = [];
  const dealContacts: DealContactRow[] = [];
  const wonAccounts = new Set<string>();

  for (let i = 0; i < DEMO_OPPORTUNITIES; i += 1) {
    // Every pipeline gets deals; expansions and renewals are sold to existing customers.
    const kind = random.weighted([
      { weight: 64, kind: 'new_business' },
      { weight: 14, kind: 'expansion' },
      { weight: 10, kind: 'renewal' },
      { weight: 12, kind: 'partner' },
    ]).kind;
    const pipeline = byKind(kind) ?? newBusiness;
    const pool: AccountView[] = (pipeline.kind === 'expansion' || pipeline.kind === 'renewal') && customers.length > 0 ? customers : accountList;
    const account = random.pick(pool);
    const source: OpportunitySource =
      pipeline.kind === 'expansion' ? 'expansion' : pipeline.kind === 'renewal' ? 'renewal' : pipeline.kind === 'partner' ? 'partner' : random.chance(0.7) ? 'lead' : 'direct';
    const outcome = random.weighted([
      { weight: 52, outcome: 'open' as const },
      { weight: 20, outcome: 'won' as const },
      { weight: 28, outcome: 'lost' as const },
    ]).outcome;
    const path = stagePath(random, pipeline, outcome);
    const stage = path.at(-1)!;

    // Closed deals closed in the last six months after a one-to-three-month cycle; open ones
    // started in the last four months and are due in the next three.
    const closedAt = outcome === 'open' ? null : businessMoment(random, now.getTime() - random.int(1, 180) * DAY, now.getTime());
    const createdAt = closedAt
      ? businessMoment(random, closedAt.getTime() - random.int(20, 95) * DAY, closedAt.getTime() - DAY)
      : businessMoment(random, now.getTime() - random.int(3, 120) * DAY, now.getTime());
    const closeDate = closedAt ? dateOf(closedAt) : dateOf(new Date(now.getTime() + random.int(2, 92) * DAY));

    const reps = repsFor(people, account.country ?? 'US');
    const bigDeal = (account.employeeCount ?? 0) > 1000;
    const ownerId = bigDeal && random.chance(0.7) ? people.executive : account.ownerId && reps.includes(account.ownerId) ? account.ownerId : random.pick(reps);
    const sourcedBy = source === 'lead' || source === 'partner' ? random.pick(reps) : null;
    const currency = currencyOf(account.country);
    const id = uuidv7At(createdAt.getTime(), random);

    // Line items on most deals and on every won one (the won stage asks for products); the rest
    // carry a rep's estimate.
    let amount = 0;
    const dealLines: LineRow[] = [];
    if (products.length > 0 && (outcome === 'won' || random.chance(0.7))) {
      const seats = products.filter((p) => p.billing === 'recurring');
      const extras = products.filter((p) => p.billing === 'one_time');
      const chosen = [random.pick(seats.length > 0 ? seats : products)];
      if (extras.length > 0 && random.chance(0.5)) chosen.push(random.pick(extras));
      if (seats.length > 1 && random.chance(0.25)) chosen.push(random.pick(seats));
      const termMonths = random.weighted([{ weight: 60, n: 12 }, { weight: 25, n: 24 }, { weight: 15, n: 36 }]).n;
      const seatCount = bigDeal ? random.int(25, 250) : random.int(3, 40);
      [...new Map(chosen.map((p) => [p.id, p])).values()].forEach((product, position) => {
        const line = {
          billing: product.billing,
          quantity: product.billing === 'recurring' ? seatCount : random.int(1, 3),
          unitPrice: product.prices[currency],
          // Within what a rep may give without an approval (the default policy's 10 %).
          discountBp: random.weighted([{ weight: 60, bp: 0 }, { weight: 25, bp: 500 }, { weight: 15, bp: 1000 }]).bp,
          termMonths: product.billing === 'recurring' ? termMonths : null,
        };
        const total = lineTotal(line) ?? 0;
        amount += total;
        const startDate = outcome === 'won' && product.billing === 'recurring' ? closeDate : null;
        dealLines.push({
          orgId,
          id: uuidv7At(createdAt.getTime() + DAY, random),
          opportunityId: id,
          productId: product.id,
          name: product.name,
          sku: product.sku,
          ...line,
          total,
          startDate,
          endDate: startDate ? addMonths(startDate, termMonths) : null,
          position,
          createdAt: new Date(createdAt.getTime() + DAY),
        });
      });
    } else {
      amount = (bigDeal ? random.int(400, 2500) : random.int(30, 400)) * 10_000;
    }
    lines.push(...dealLines);

    // The stages it passed, spread between its creation and its close (or a recent day).
    const end = closedAt ? closedAt.getTime() : createdAt.getTime() + (now.getTime() - createdAt.getTime()) * random.next();
    const span = Math.max(end - createdAt.getTime(), path.length * 3_600_000);
    path.forEach((visited, step) => {
      const changedAt = step === 0 ? createdAt : step === path.length - 1 && closedAt ? closedAt : new Date(createdAt.getTime() + (span * step) / Math.max(path.length - 1, 1));
      history.push({
        orgId,
        id: uuidv7At(changedAt.getTime(), random),
        opportunityId: id,
        changedAt,
        changedBy: step === 0 ? (sourcedBy ?? ownerId) : ownerId,
        changes: step === 0 ? ['created'] : ['stage'],
        stageId: visited.id,
        previousStageId: step === 0 ? null : path[step - 1]!.id,
        amount,
        previousAmount: step === 0 ? null : amount,
        currency,
        closeDate,
        previousCloseDate: step === 0 ? null : closeDate,
        probability: visited.probability,
        forecastCategory: visited.forecastCategory,
        status: visited.outcome,
      });
    });
    const stageEnteredAt = history.at(-1)!.changedAt as Date;

    // The buying committee on most deals: a decision maker on every deal past proposal.
    const buyers = contactsOf.get(account.id) ?? [];
    const pastProposal = path.some((s) => s.gates.includes('decision_maker'));
    if (buyers.length > 0 && (pastProposal || random.chance(0.6))) {
      const roles = ['decision_maker', 'champion', 'economic_buyer', 'influencer', 'user', 'blocker'];
      const onDeal = buyers.slice(0, random.int(1, Math.min(3, buyers.length)));
      onDeal.forEach((contact, n) => {
        dealContacts.push({
          orgId,
          opportunityId: id,
          contactId: contact.id,
          roles: n === 0 ? ['decision_maker', ...(random.chance(0.3) ? ['economic_buyer'] : [])] : [random.pick(roles.slice(1))],
          isPrimary: n === 0,
          createdAt: new Date(createdAt.getTime() + DAY),
        });
      });
    }

    if (outcome === 'won') wonAccounts.add(account.id);
    deals.push({
      orgId,
      id,
      pipelineId: pipeline.id,
      stageId: stage.id,
      name: `${account.name} — ${pipeline.kind === 'renewal' ? 'Renewal' : random.pick(DEAL_NAMES)}`,
      accountId: account.id,
      ownerId,
      amount,
      currency,
      closeDate,
      probability: stage.probability,
      forecastCategory: stage.forecastCategory,
      status: stage.outcome,
      source,
      sourcedBy,
      nextStep: outcome === 'open' ? random.pick(NEXT_STEPS) : null,
      competitors: random.chance(0.4) ? [random.pick(COMPETITORS)] : [],
      lossReason: outcome === 'lost' ? random.pick(LOSS_REASONS) : null,
      winReason: outcome === 'won' ? random.pick(WIN_REASONS) : null,
      stageEnteredAt,
      closedAt,
      version: path.length + (dealLines.length > 0 ? 1 : 0),
      createdBy: sourcedBy ?? ownerId,
      createdAt,
      updatedAt: stageEnteredAt,
    });
  }

  for (let i = 0; i < deals.length; i += 500) await db.insert(opportunities).values(deals.slice(i, i + 500));
  for (let i = 0; i < history.length; i += 500) await db.insert(opportunityHistory).values(history.slice(i, i + 500));
  for (let i = 0; i < lines.length; i += 500) await db.insert(lineItems).values(lines.slice(i, i + 500));
  for (let i = 0; i < dealContacts.length; i += 500) await db.insert(opportunityContacts).values(dealContacts.slice(i, i + 500));
  let newCustomers = 0;
  for (const accountId of wonAccounts) if (await markCustomer(db, actor, accountId, 'Won a deal')) newCustomers += 1;

  const won = deals.filter((d) => d.status === 'won').length;
  const lost = deals.filter((d) => d.status === 'lost').length;
  return `${formatCount(deals.length)} opportunities (${won} won, ${lost} lost) with ${formatCount(history.length)} stage changes and ${formatCount(lines.length)} line items; ${newCustomers} accounts became customers`;
}
