// `leadflow seed --scale`: an organisation big enough to measure reports on (by default 1,000,000
// leads, 200,000 deals, 5,000,000 activities). Rows are made inside the database by set-based
// INSERT … SELECT over generate_series, in batches: nothing crosses the wire, so it runs faster
// than COPY from the client, and each batch is one statement for the per-statement triggers.
import { sql, type SQL } from 'drizzle-orm';
import type { Database, Db } from '../../core/db.ts';
import { newId } from '../../core/ids.ts';
import { createOrganization } from '../orgs/service.ts';

export type ScaleSizes = { leads: number; opportunities: number; activities: number; reps: number };
export const FULL_SCALE: ScaleSizes = { leads: 1_000_000, opportunities: 200_000, activities: 5_000_000, reps: 50 };

export type ScaleSeedResult = { orgId: string; adminEmail: string; password: string; managerId: string; repIds: string[]; teamIds: string[]; seconds: number };

const BATCH = 250_000;
const DAYS = 730;
const SOURCES = sql`array['web', 'event', 'referral', 'outbound', 'partner']`;
const pgArray = (ids: readonly string[]) => `{${ids.join(',')}}`;

export async function seedScale(database: Database, sizes: ScaleSizes, log: (line: string) => void): Promise<ScaleSeedResult> {
  if (sizes.opportunities > sizes.leads) throw new Error('--opportunities may not exceed --leads (each deal comes from a converted lead)');
  const db: Db = database.db;
  const started = Date.now();
  const tag = Date.now().toString(36);
  const adminEmail = `admin@scale-${tag}.example`;
  const password = 'scale-seed-password-1';
  const org = await createOrganization(db, { name: `Scale ${tag}`, admin: { email: adminEmail, name: 'Scale Admin', password } });
  const orgId = org.orgId;
  const step = async (what: string, run: () => Promise<unknown>) => {
    const t0 = Date.now();
    await run();
    log(`  ${what} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  };

  // Ten teams of five reps under one manager; eight territories.
  const teamIds = Array.from({ length: Math.max(1, Math.ceil(sizes.reps / 5)) }, () => newId());
  const repIds = Array.from({ length: sizes.reps }, () => newId());
  const managerId = newId();
  const territoryIds = Array.from({ length: 8 }, () => newId());
  await db.transaction(async (tx) => {
    await tx.execute(sql`insert into users (org_id, id, email, name, role) values (${orgId}, ${managerId}, ${`manager@scale-${tag}.example`}, 'Scale Manager', 'manager')`);
    for (const [i, id] of teamIds.entries()) await tx.execute(sql`insert into teams (org_id, id, name, manager_id) values (${orgId}, ${id}, ${`Team ${i + 1}`}, ${managerId})`);
    for (const [i, id] of repIds.entries())
      await tx.execute(sql`insert into users (org_id, id, email, name, role, team_id) values (${orgId}, ${id}, ${`rep${i + 1}@scale-${tag}.example`}, ${`Rep ${i + 1}`}, 'rep', ${teamIds[i % teamIds.length]})`);
    for (const [i, id] of territoryIds.entries())
      await tx.execute(sql`insert into territories (org_id, id, name, priority, criteria) values (${orgId}, ${id}, ${['DACH', 'Nordics', 'UK', 'France', 'Benelux', 'Iberia', 'Italy', 'CEE'][i]}, ${i + 1}, '{}'::jsonb)`);
    await tx.execute(sql`insert into activity_goals (org_id, id, scope, scope_id, calls, connects, emails) values (${orgId}, ${newId()}, 'org', ${orgId}, 60, 8, 40)`);
  });
  const reps = sql`${pgArray(repIds)}::uuid[]`;
  const territories = sql`${pgArray(territoryIds)}::uuid[]`;
  const pick = (array: SQL, n: number) => sql`(${array})[1 + floor(random() * ${n})::int]`;
  await db.execute(sql`select setseed(0.42)`);

  // Every k-th lead is converted, so exactly `opportunities` leads become deals.
  const convertEvery = sizes.opportunities > 0 ? Math.floor(sizes.leads / sizes.opportunities) : sizes.leads + 1;
  const converted = sizes.opportunities > 0 ? Math.floor(sizes.leads / convertEvery) : 0;
  await step(`${sizes.leads.toLocaleString('en')} leads`, async () => {
    for (let a = 1; a <= sizes.leads; a += BATCH) {
      const b = Math.min(sizes.leads, a + BATCH - 1);
      // Qualified and converted leads were qualified up to three days after they came in.
      await db.execute(sql`insert into leads (org_id, id, first_name, last_name, email, company, status, source, owner_id, territory_id, created_at, updated_at, qualified_at)
        select ${orgId}, gen_random_uuid(), 'Lead', 'N' || i, 'lead' || i || '@scale.example', 'Company ' || (i % 50000), status,
          ${pick(SOURCES, 5)}, ${pick(reps, repIds.length)}, ${pick(territories, 8)}, ts, ts,
          case when status in ('qualified', 'converted') then least(now(), ts + random() * interval '3 days') end
        from (select i, ts, case when i % ${convertEvery} = 0 and i / ${convertEvery} <= ${converted} then 'converted'
                 else (array['new', 'working', 'working', 'nurture', 'qualified', 'disqualified', 'disqualified'])[1 + floor(random() * 7)::int] end as status
              from (select i, now() - random() * interval '${sql.raw(String(DAYS))} days' as ts from generate_series(${a}::int, ${b}::int) i) g) s`);
    }
  });

  const accounts = Math.max(1, Math.floor(sizes.opportunities / 4));
  const [pipeline] = ((await db.execute(sql`select p.id from pipelines p where p.org_id = ${orgId} order by p.position limit 1`)) as unknown as { rows: { id: string }[] }).rows;
  const stages = ((await db.execute(sql`select id, outcome from pipeline_stages where org_id = ${orgId} and pipeline_id = ${pipeline!.id} order by position`)) as unknown as { rows: { id: string; outcome: string }[] }).rows;
  const openStages = stages.filter((s) => s.outcome === 'open').map((s) => s.id);
  const wonStage = stages.find((s) => s.outcome === 'won')!.id;
  const lostStage = stages.find((s) => s.outcome === 'lost')!.id;
  await step(`${accounts.toLocaleString('en')} accounts, ${converted.toLocaleString('en')} deals, conversions and stage history`, async () => {
    await db.execute(sql`insert into accounts (org_id, id, name, owner_id, territory_id)
      select ${orgId}, gen_random_uuid(), 'Account ' || i, ${pick(reps, repIds.length)}, ${pick(territories, 8)} from generate_series(1, ${accounts}::int) i`);
    await db.transaction(async (tx) => {
      await tx.execute(sql`create temporary table scale_accounts_t on commit drop as select row_number() over (order by id) as n, id from accounts where org_id = ${orgId}`);
      // 20% won, 25% lost, the rest open; closed deals close 10–120 days after they were made.
      await tx.execute(sql`insert into opportunities (org_id, id, pipeline_id, stage_id, name, account_id, owner_id, amount, currency, close_date, probability, forecast_category, status, source, source_lead_id, created_at, updated_at, closed_at, stage_entered_at, loss_reason)
        select ${orgId}, gen_random_uuid(), ${pipeline!.id}::uuid,
          case when r < 0.2 then ${wonStage}::uuid when r < 0.45 then ${lostStage}::uuid else ${pick(sql`${pgArray(openStages)}::uuid[]`, openStages.length)} end,
          'Deal ' || l.last_name, a.id, l.owner_id, (1000 + floor(random() * 99000)::int) * 100, 'EUR',
          case when r < 0.45 then (least(now(), created + closing) at time zone 'UTC')::date else (now() + (floor(random() * 150)::int - 30) * interval '1 day')::date end,
          case when r < 0.2 then 100 when r < 0.45 then 0 else 30 end,
          case when r < 0.2 then 'closed' when r < 0.45 then 'omitted' else 'pipeline' end,
          case when r < 0.2 then 'won' when r < 0.45 then 'lost' else 'open' end,
          'lead', l.id, created, created, case when r < 0.45 then least(now(), created + closing) end, created,
          case when r >= 0.2 and r < 0.45 then (array['Price', 'Competitor', 'No decision', 'Timing', 'Features'])[1 + floor(random() * 5)::int] end
        from (select l.*, random() as r, least(now(), l.qualified_at + random() * interval '20 days') as created, (10 + random() * 110) * interval '1 day' as closing,
                1 + floor(random() * ${accounts})::int as account_n
              from leads l where l.org_id = ${orgId} and l.status = 'converted') l
        join scale_accounts_t a on a.n = l.account_n`);
    });
    await db.execute(sql`insert into lead_conversions (org_id, id, lead_id, account_id, account_name, account_reused, opportunity_id, sourced_by, converted_by, converted_at)
      select o.org_id, gen_random_uuid(), o.source_lead_id, o.account_id, 'Account', true, o.id, o.owner_id, o.owner_id, o.created_at from opportunities o where o.org_id = ${orgId} and o.source_lead_id is not null`);
    // Each deal entered its first stage when made; a third had their close date pushed once.
    await db.execute(sql`insert into opportunity_history (org_id, id, opportunity_id, changed_at, changed_by, changes, stage_id, amount, currency, close_date, previous_close_date, probability, forecast_category, status)
      select o.org_id, gen_random_uuid(), o.id, o.created_at, o.owner_id, '{stage}'::text[], ${openStages[0]!}::uuid, o.amount, o.currency, o.close_date, null::date, 10, 'pipeline', 'open' from opportunities o where o.org_id = ${orgId}
      union all
      select o.org_id, gen_random_uuid(), o.id, o.created_at + interval '5 days', o.owner_id, '{close_date}'::text[], o.stage_id, o.amount, o.currency, o.close_date, o.close_date - 14, o.probability, o.forecast_category, o.status
        from opportunities o where o.org_id = ${orgId} and random() < 0.33`);
  });

  await step(`${sizes.activities.toLocaleString('en')} activities`, async () => {
    const [sample] = ((await db.execute(sql`select array_agg(id) as ids from (select id from leads where org_id = ${orgId} limit 10000) s`)) as unknown as { rows: { ids: string[] }[] }).rows;
    const subjects = sql`${pgArray(sample?.ids ?? [])}::uuid[]`;
    const subjectCount = sample?.ids?.length ?? 0;
    for (let a = 1; a <= sizes.activities; a += BATCH) {
      const b = Math.min(sizes.activities, a + BATCH - 1);
      // Calls 55% (a fifth of them conversations), emails 35%, replies 3%, notes the rest.
      await db.execute(sql`insert into activities (org_id, id, subject_type, subject_id, kind, occurred_at, actor_id, summary)
        select ${orgId}, gen_random_uuid(), 'lead', ${pick(subjects, subjectCount)},
          case when r < 0.44 then 'call' when r < 0.55 then 'call_connected' when r < 0.90 then 'email' when r < 0.93 then 'email_replied' else 'note' end,
          now() - random() * interval '${sql.raw(String(DAYS))} days', ${pick(reps, repIds.length)}, ''
        from (select random() as r from generate_series(${a}::int, ${b}::int)) s`);
    }
  });

  await step('meetings and speed-to-lead clocks', async () => {
    const meetings = Math.floor(sizes.activities / 100);
    await db.execute(sql`insert into meetings (org_id, id, kind, title, starts_at, ends_at, time_zone, organizer_id, status, created_at, updated_at)
      select ${orgId}, gen_random_uuid(), 'demo', 'Demo', s, s + interval '30 minutes', 'UTC', ${pick(reps, repIds.length)},
        case when random() < 0.6 then 'held' when random() < 0.5 then 'no_show' else 'scheduled' end, s - interval '3 days', s - interval '3 days'
      from (select now() - random() * interval '${sql.raw(String(DAYS))} days' as s from generate_series(1, ${meetings}::int)) m`);
    await db.execute(sql`insert into sla_timers (org_id, id, kind, subject_type, subject_id, owner_id, minutes, started_at, due_at, status, stopped_at)
      select l.org_id, gen_random_uuid(), 'first_touch', 'lead', l.id, l.owner_id, 30, l.created_at, l.created_at + interval '30 minutes',
        case when m <= 30 then 'met' else 'breached' end, l.created_at + m * interval '1 minute'
      from (select l.*, floor(random() * 90)::int as m from leads l where l.org_id = ${orgId} and random() < 0.1) l`);
  });
  await step('analyze', async () => {
    for (const table of ['leads', 'opportunities', 'lead_conversions', 'opportunity_history', 'activities', 'activity_daily_counts', 'sla_timers', 'meetings', 'accounts'])
      await db.execute(sql.raw(`analyze ${table}`));
  });
  const seconds = Math.round((Date.now() - started) / 100) / 10;
  log(`Seeded "Scale ${tag}" in ${seconds} s. Sign in as ${adminEmail} / ${password}.`);
  return { orgId, adminEmail, password, managerId, repIds, teamIds, seconds };
}
