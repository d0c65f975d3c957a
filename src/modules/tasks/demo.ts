import { formatCount, uuidv7At, type DemoContext } from '../demo/model.ts';
import { listLeads } from '../leads/service.ts';
import { saveCallScript } from '../calls/service.ts';
import { setGoal } from '../today/service.ts';
import { tasks } from './schema.ts';

const TODOS = ['Send the pricing sheet', 'Share the case study', 'Check LinkedIn for the new VP', 'Confirm the demo attendees', 'Follow up on the security questionnaire'];

/**
 * A working day for the demo reps: call-backs and to-dos on their open leads (some overdue, some
 * due today, some later), the org's daily activity goals, and a default call script.
 */
export async function seedDemoTasks(context: DemoContext): Promise<string> {
  const { db, actor, people, random, now, orgId } = context;
  await setGoal(db, actor, { scope: 'org', calls: 50, connects: 10, emails: 30 });
  await saveCallScript(db, actor, null, {
    name: 'Discovery call',
    body: 'Hi {{firstName}}, this is … from Acme. I saw {{company}} is growing its sales team — how do you handle inbound leads today?\n\nAsk: team size, current tools, timing.\nClose: book a 30-minute demo.',
    isDefault: true,
  });
  const rows: (typeof tasks.$inferInsert)[] = [];
  for (const rep of people.reps) {
    const { data: open } = await listLeads(db, actor, { ownerId: rep.id, status: ['working'], sort: '-score', limit: 12 });
    for (const [i, lead] of open.entries()) {
      const hoursFromNow = i < 3 ? -random.int(1, 30) : i < 7 ? random.int(1, 8) : random.int(24, 120);
      const due = new Date(now.getTime() + hoursFromNow * 3_600_000);
      const call = i % 3 !== 2;
      rows.push({
        orgId,
        id: uuidv7At(now.getTime(), random),
        title: call ? `Call ${`${lead.firstName} ${lead.lastName}`.trim() || lead.company} back` : random.pick(TODOS),
        type: call ? 'call' : 'todo',
        ownerId: rep.id,
        subjectType: 'lead',
        subjectId: lead.id,
        dueAt: due,
        remindAt: hoursFromNow > 0 ? new Date(due.getTime() - 15 * 60_000) : null,
        createdBy: rep.id,
      });
    }
  }
  for (let i = 0; i < rows.length; i += 500) await db.insert(tasks).values(rows.slice(i, i + 500));
  return `${formatCount(rows.length)} tasks, daily goals and a call script`;
}
