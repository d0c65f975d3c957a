// The one SQL condition for record visibility. Every query a person's request makes over leads,
// contacts, accounts or deals — lists, pages, edits, deletes, searches, exports, boards, reports,
// timelines — adds `visibleRecords(actor, object)`; a record it hides answers 404, like another
// org's. It reads the org's settings, teams and account teams in the query itself (they are a
// few rows, evaluated once per query), so it is synchronous and composes with any other filter.
// The rule in words, and in plain data, is ./model.ts; the visibility tests hold the two together.
import { sql, type SQL, type SQLWrapper } from 'drizzle-orm';
import type { Actor } from '../../core/actor.ts';
import { accounts, contacts } from '../accounts/schema.ts';
import { leads } from '../leads/schema.ts';
import { opportunities } from '../opportunities/schema.ts';
import type { RecordObject } from './model.ts';

/** The columns of the row being filtered: Drizzle columns, or SQL for aliased tables (`sql\`l.owner_id\``). */
export type VisibilityColumns = { ownerId: SQLWrapper; accountId?: SQLWrapper | undefined; id?: SQLWrapper | undefined };

const DEFAULT_COLUMNS: Record<RecordObject, VisibilityColumns> = {
  leads: { ownerId: leads.ownerId },
  contacts: { ownerId: contacts.ownerId, accountId: contacts.accountId },
  accounts: { ownerId: accounts.ownerId, accountId: accounts.id },
  opportunities: { ownerId: opportunities.ownerId, accountId: opportunities.accountId, id: opportunities.id },
};

/** The org's mode for an object, as SQL: 'everyone' for an org that never set one. */
export const visibilityModeSql = (orgId: string, object: RecordObject): SQL =>
  sql`coalesce((select vs.record_visibility ->> ${object} from org_settings vs where vs.org_id = ${orgId}::uuid), 'everyone')`;

/**
 * The records of `object` the actor may see and edit, as a condition on the row. Pass `columns`
 * when the query aliases the table or the object's columns have other names.
 */
export function visibleRecords(actor: Actor, object: RecordObject, columns: VisibilityColumns = DEFAULT_COLUMNS[object]): SQL {
  if (actor.role === 'admin') return sql`true`;
  if (actor.role === 'partner') return sql`false`;
  const org = sql`${actor.orgId}::uuid`;
  const me = sql`${actor.userId}::uuid`;
  const mode = visibilityModeSql(actor.orgId, object);
  const owner = columns.ownerId;
  // The people whose records the actor reaches by ownership: the members of every team they
  // manage and the teams below, and in team mode the members of their own team.
  const reachable = sql`(with recursive managed as (
      select vt.id from teams vt where vt.org_id = ${org} and vt.manager_id = ${me}
      union select vc.id from teams vc join managed on vc.parent_team_id = managed.id where vc.org_id = ${org})
    select vu.id from users vu where vu.org_id = ${org} and vu.team_id is not null and (vu.team_id in (select id from managed)
      or (${mode} = 'team' and vu.team_id = (select vm.team_id from users vm where vm.org_id = ${org} and vm.id = ${me}))))`;
  const parts: SQL[] = [sql`${mode} = 'everyone'`, sql`${owner} = ${me}`, sql`${owner} in ${reachable}`];
  if (actor.role === 'manager') parts.push(sql`${owner} is null`);
  if (columns.accountId) {
    parts.push(sql`exists (select 1 from account_team_members vat where vat.org_id = ${org} and vat.account_id = ${columns.accountId} and vat.user_id = ${me})`);
  }
  if (object === 'opportunities' && columns.id) {
    // A finance or legal approver named in the deal policy sees the deals waiting for their decision.
    parts.push(sql`exists (select 1 from approval_requests var join opportunity_policies vop on vop.org_id = var.org_id
      where var.org_id = ${org} and var.opportunity_id = ${columns.id} and var.status = 'pending'
        and ((var.level = 'finance' and ${me} = any(vop.finance_approver_ids)) or (var.level = 'legal' and ${me} = any(vop.legal_approver_ids))))`);
  }
  return sql`(${sql.join(parts, sql` or `)})`;
}

const SUBJECT_TABLES = { lead: 'leads', contact: 'contacts', account: 'accounts', opportunity: 'opportunities' } as const satisfies Record<string, RecordObject>;

/**
 * Rows about a record (an email, a task, a call) whose record the actor may see, by the row's
 * subject type ('lead', 'contact', 'account', 'opportunity') and subject id columns. Rows about
 * anything else (a user, nothing) stay visible.
 */
export function visibleSubjects(actor: Actor, columns: { type: SQLWrapper; id: SQLWrapper }): SQL {
  if (actor.role === 'admin') return sql`true`;
  const org = sql`${actor.orgId}::uuid`;
  const branches = Object.entries(SUBJECT_TABLES).map(([type, object]) => {
    const table = { leads, contacts, accounts, opportunities }[object];
    return sql`(${columns.type} = ${type} and exists (select 1 from ${table} where ${table.orgId} = ${org} and ${table.id} = ${columns.id} and ${visibleRecords(actor, object)}))`;
  });
  return sql`(coalesce(${columns.type}, '') not in ('lead', 'contact', 'account', 'opportunity') or ${sql.join(branches, sql` or `)})`;
}

/**
 * Rows that link to records by one id column per kind (a meeting's lead, contact, account and
 * deal): visible when every record they link to is. Pass the columns the row has.
 */
export function visibleLinks(actor: Actor, links: Partial<Record<keyof typeof SUBJECT_TABLES, SQLWrapper>>): SQL {
  if (actor.role === 'admin') return sql`true`;
  const org = sql`${actor.orgId}::uuid`;
  const parts = Object.entries(links).map(([type, column]) => {
    const object = SUBJECT_TABLES[type as keyof typeof SUBJECT_TABLES];
    const table = { leads, contacts, accounts, opportunities }[object];
    return sql`(${column} is null or exists (select 1 from ${table} where ${table.orgId} = ${org} and ${table.id} = ${column} and ${visibleRecords(actor, object)}))`;
  });
  return parts.length ? sql`(${sql.join(parts, sql` and `)})` : sql`true`;
}
