import { eq } from 'drizzle-orm';
import type { Actor } from '../../core/actor.ts';
import { assertVersion, type ExpectedVersion } from '../../core/concurrency.ts';
import type { Db } from '../../core/db.ts';
import { validationFailed } from '../../core/errors.ts';
import { assertCan } from '../../core/roles.ts';
import { recordAudit } from '../audit/service.ts';
import { DEFAULT_ORG_SETTINGS, tidyDisqualificationReasons, type OrgSettings } from './settings-model.ts';
import { orgSettings } from './settings-schema.ts';
import { DEFAULT_RECORD_VISIBILITY, mergeVisibility, type RecordVisibility } from '../visibility/model.ts';

/** Version 0: the org has never changed its settings and runs on the defaults. */
export type OrgSettingsView = OrgSettings & { version: number; updatedAt: string | null };

async function readSettings(db: Db, orgId: string, lock: boolean): Promise<OrgSettingsView> {
  const query = db.select().from(orgSettings).where(eq(orgSettings.orgId, orgId));
  const [row] = lock ? await query.for('update') : await query;
  if (!row) return { ...DEFAULT_ORG_SETTINGS, version: 0, updatedAt: null };
  return {
    disqualificationReasons: row.disqualificationReasons,
    recycleAfterDays: row.recycleAfterDays,
    fiscalYearStartMonth: row.fiscalYearStartMonth,
    repsSeeTeamNumbers: row.repsSeeTeamNumbers,
    recordVisibility: mergeVisibility(DEFAULT_RECORD_VISIBILITY, row.recordVisibility),
    version: row.version,
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** Everyone in the org reads them: reps pick disqualification reasons from the list. */
export async function getOrgSettings(db: Db, actor: Actor): Promise<OrgSettingsView> {
  assertCan(actor, 'records:read');
  return readSettings(db, actor.orgId, false);
}

export type OrgSettingsChanges = Partial<Omit<OrgSettings, 'recordVisibility'>> & { recordVisibility?: Partial<RecordVisibility> | undefined };

export async function updateOrgSettings(db: Db, actor: Actor, changes: OrgSettingsChanges, expected: ExpectedVersion): Promise<OrgSettingsView> {
  assertCan(actor, 'org:settings');
  const reasons = changes.disqualificationReasons && tidyDisqualificationReasons(changes.disqualificationReasons);
  if (reasons?.problems.length) throw validationFailed(reasons.problems);
  return db.transaction(async (tx) => {
    const current = await readSettings(tx, actor.orgId, true);
    assertVersion(expected, current.version);
    const next: OrgSettings = {
      disqualificationReasons: reasons?.reasons ?? current.disqualificationReasons,
      recycleAfterDays: changes.recycleAfterDays === undefined ? current.recycleAfterDays : changes.recycleAfterDays,
      fiscalYearStartMonth: changes.fiscalYearStartMonth ?? current.fiscalYearStartMonth,
      repsSeeTeamNumbers: changes.repsSeeTeamNumbers ?? current.repsSeeTeamNumbers,
      recordVisibility: mergeVisibility(current.recordVisibility, changes.recordVisibility),
    };
    const values = { ...next, version: current.version + 1, updatedBy: actor.userId || null, updatedAt: new Date() };
    const [row] = await tx
      .insert(orgSettings)
      .values({ orgId: actor.orgId, ...values })
      .onConflictDoUpdate({ target: orgSettings.orgId, set: values })
      .returning();
    const before = {
      disqualificationReasons: current.disqualificationReasons,
      recycleAfterDays: current.recycleAfterDays,
      fiscalYearStartMonth: current.fiscalYearStartMonth,
      repsSeeTeamNumbers: current.repsSeeTeamNumbers,
      recordVisibility: current.recordVisibility,
    };
    await recordAudit(tx, actor, { entityType: 'org_settings', entityId: actor.orgId, action: 'update', before, after: next });
    return { ...next, version: row!.version, updatedAt: row!.updatedAt.toISOString() };
  });
}
