// The record an activity, a call or a task is about, read through its own capability's service:
// it exists in the caller's org (404 otherwise), and what a call needs of it.
import type { Actor } from '../../core/actor.ts';
import type { Db } from '../../core/db.ts';
import { getAccount, getContact } from '../accounts/service.ts';
import { getLead } from '../leads/service.ts';
import { readOpportunity } from '../opportunities/store.ts';
import type { SubjectType } from './model.ts';

export type SubjectBrief = {
  type: SubjectType;
  id: string;
  name: string;
  company: string | null;
  phone: string | null;
  doNotCall: boolean;
  ownerId: string | null;
  timeZone: string | null;
  country: string | null;
  region: string | null;
};

export const subjectLink = (type: SubjectType, id: string): string =>
  `/${type === 'opportunity' ? 'opportunities' : `${type}s`}/${id}`;

export async function subjectBrief(db: Db, actor: Actor, type: SubjectType, id: string): Promise<SubjectBrief> {
  switch (type) {
    case 'lead': {
      const lead = await getLead(db, actor, id);
      const name = `${lead.firstName} ${lead.lastName}`.trim() || lead.company || lead.email || 'Lead';
      return { type, id, name, company: lead.company || null, phone: lead.phone, doNotCall: lead.doNotCall, ownerId: lead.ownerId, timeZone: lead.timeZone, country: lead.country, region: lead.region };
    }
    case 'contact': {
      const contact = await getContact(db, actor, id);
      const name = `${contact.firstName} ${contact.lastName}`.trim() || contact.email || 'Contact';
      return { type, id, name, company: null, phone: contact.phone, doNotCall: contact.doNotCall, ownerId: contact.ownerId, timeZone: contact.timeZone, country: null, region: null };
    }
    case 'account': {
      const account = await getAccount(db, actor, id);
      return { type, id, name: account.name, company: account.name, phone: account.phone, doNotCall: false, ownerId: account.ownerId, timeZone: null, country: account.country, region: account.region };
    }
    case 'opportunity': {
      const deal = await readOpportunity(db, actor, id);
      return { type, id, name: deal.name, company: null, phone: null, doNotCall: false, ownerId: deal.ownerId, timeZone: null, country: null, region: null };
    }
  }
}
