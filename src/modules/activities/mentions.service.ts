// @mentions in notes: the people a note names are told, in the app and by email as their
// preferences say — but only those who may see the record the note is on.
import { systemActor, type Actor } from '../../core/actor.ts';
import type { Db } from '../../core/db.ts';
import { mentionedUserIds } from '../notifications/model.ts';
import { tell } from '../routing/notices.ts';
import { listUsers } from '../users/service.ts';
import type { SubjectType } from './model.ts';
import { subjectBrief, subjectLink } from './subjects.ts';

/** Notifies the org's people a note mentions (by @email, @Full Name or a unique @First name); returns who was told. */
export async function notifyMentions(db: Db, actor: Actor, subjectType: SubjectType, subjectId: string, text: string): Promise<string[]> {
  if (!text.includes('@')) return [];
  const people = (await listUsers(db, systemActor(actor.orgId, actor.userId))).filter((u) => u.status === 'active');
  const mentioned = mentionedUserIds(text, people).filter((id) => id !== actor.userId);
  if (mentioned.length === 0) return [];
  const subject = await subjectBrief(db, actor, subjectType, subjectId);
  const allowed: string[] = [];
  for (const id of mentioned) {
    const person = people.find((p) => p.id === id)!;
    // Read as the person mentioned: a record they may not see (its visibility, a partner's role) is no news for them.
    const seen = await subjectBrief(db, { orgId: actor.orgId, userId: id, role: person.role, via: 'system' }, subjectType, subjectId).catch(() => null);
    if (seen) allowed.push(id);
  }
  if (allowed.length === 0) return [];
  const author = people.find((p) => p.id === actor.userId)?.name ?? 'Someone';
  return db.transaction((tx) =>
    tell(tx, actor, allowed, { kind: 'mention', title: `${author} mentioned you on ${subject.name}`, body: text.slice(0, 2000), link: subjectLink(subjectType, subjectId) }),
  );
}
