import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { systemActor } from '../../core/actor.ts';
import { addUser, newOrg, startTestApp, type Caller } from '../../../test/helpers.ts';
import { copyActivities } from '../activities/service.ts';
import { emailContextOf } from '../emails/service.ts';
import { runSchedulerTick } from '../sequences/service.ts';

const t = await startTestApp();
const admin = await newOrg(t, 'Calls');
const rep = await addUser(t, admin, 'rep', 'Rita Rep');

type Item = { id: string; kind: string; summary: string; details: Record<string, unknown> };

// Every lead its own number: a do-not-call flag holds for everyone sharing a number.
let line = 1_234_567;
async function newLead(caller: Caller, fields: Record<string, unknown> = {}) {
  line += 1;
  const res = await caller.post('/api/v1/leads', { firstName: 'Mia', lastName: 'Koch', company: 'Koch GmbH', phone: `+49 30 ${line}`, country: 'DE', ownerId: caller.userId, ...fields });
  assert.equal(res.statusCode, 201, res.body);
  return res.json() as { id: string; score: number; doNotCall: boolean; timeZone: string | null; phone: string };
}

const put = (caller: Caller, url: string, payload: Record<string, unknown>) => caller.request({ method: 'PUT', url, payload });

const timelineOf = async (caller: Caller, leadId: string, kind = 'call,call_connected') =>
  (await caller.get(`/api/v1/leads/${leadId}/timeline?kind=${kind}`)).json().data as Item[];

describe('logging a call', () => {
  test('one request logs outcome, duration, notes and a call-back task; the call lands on the timeline and in the score', async () => {
    const lead = await newLead(rep);
    const due = new Date(Date.now() + 86_400_000).toISOString();
    const res = await rep.post('/api/v1/calls', {
      subjectType: 'lead',
      subjectId: lead.id,
      outcome: 'connected',
      durationSeconds: 245,
      notes: 'Interested, wants pricing',
      nextStep: { dueAt: due, title: 'Send pricing and call back' },
    });
    assert.equal(res.statusCode, 201, res.body);
    const body = res.json();
    assert.equal(body.created, true);
    assert.equal(body.call.kind, 'call_connected');
    assert.equal(body.call.summary, 'Connected (4 min)');
    assert.deepEqual(
      { direction: body.call.details.direction, outcome: body.call.details.outcome, durationSeconds: body.call.details.durationSeconds, notes: body.call.details.notes, phone: body.call.details.phone },
      { direction: 'outbound', outcome: 'connected', durationSeconds: 245, notes: 'Interested, wants pricing', phone: lead.phone },
    );
    assert.equal(body.task.title, 'Send pricing and call back');
    assert.equal(body.task.type, 'call');
    assert.equal(body.task.dueAt, due);
    assert.equal(body.task.ownerId, rep.userId);
    assert.equal(body.task.subject.id, lead.id);

    assert.deepEqual((await timelineOf(rep, lead.id)).map((i) => i.summary), ['Connected (4 min)']);
    const after = (await rep.get(`/api/v1/leads/${lead.id}`)).json();
    assert.ok(after.score > lead.score, `a connected call is engagement: ${lead.score} → ${after.score}`);
    const tasks = (await rep.get(`/api/v1/tasks?subjectType=lead&subjectId=${lead.id}`)).json().data;
    assert.equal(tasks.length, 1);
  });

  test('an attempt without a conversation is kind call and does not add engagement', async () => {
    const lead = await newLead(rep);
    const res = await rep.post('/api/v1/calls', { subjectType: 'lead', subjectId: lead.id, outcome: 'voicemail', durationSeconds: 30 });
    assert.equal(res.statusCode, 201, res.body);
    assert.equal(res.json().call.kind, 'call');
    assert.equal(res.json().task, null);
    assert.equal((await rep.get(`/api/v1/leads/${lead.id}`)).json().score, lead.score);
  });

  test('a phone system posting the same external call id twice gets one call, with its recording', async () => {
    const lead = await newLead(rep);
    const payload = { subjectType: 'lead', subjectId: lead.id, outcome: 'connected', durationSeconds: 60, externalCallId: `pbx-${lead.id}`, recordingUrl: 'https://pbx.example.com/rec/1.mp3', occurredAt: new Date(Date.now() - 60_000).toISOString() };
    const first = await rep.post('/api/v1/calls', payload);
    assert.equal(first.statusCode, 201, first.body);
    const again = await rep.post('/api/v1/calls', { ...payload, outcome: 'busy' });
    assert.equal(again.statusCode, 200, again.body);
    assert.equal(again.json().created, false);
    assert.equal(again.json().call.id, first.json().call.id);
    const calls = await timelineOf(rep, lead.id);
    assert.equal(calls.length, 1);
    assert.equal(calls[0]!.details.recordingUrl, 'https://pbx.example.com/rec/1.mp3');
    // Another org may use the same external id for its own call.
    const other = await newOrg(t, 'Other PBX');
    const theirs = await newLead(other);
    assert.equal((await other.post('/api/v1/calls', { ...payload, subjectId: theirs.id })).statusCode, 201);
  });

  test('logging the call of a call task completes it', async () => {
    const lead = await newLead(rep);
    const task = (await rep.post('/api/v1/tasks', { title: 'Call back', type: 'call', dueAt: new Date().toISOString(), subjectType: 'lead', subjectId: lead.id })).json();
    const res = await rep.post('/api/v1/calls', { subjectType: 'lead', subjectId: lead.id, outcome: 'no_answer', taskId: task.id });
    assert.equal(res.statusCode, 201, res.body);
    const after = (await rep.get(`/api/v1/tasks/${task.id}`)).json();
    assert.equal(after.status, 'done');
  });

  test('calls on contacts, accounts and opportunities', async () => {
    const account = (await rep.post('/api/v1/accounts', { name: 'Initech', phone: '+1 555 0100', country: 'US' })).json();
    const contact = (await rep.post('/api/v1/contacts', { accountId: account.id, firstName: 'Peter', lastName: 'Gibbons', phone: '+1 555 0101' })).json();
    for (const [type, id] of [['account', account.id], ['contact', contact.id]] as const) {
      const res = await rep.post('/api/v1/calls', { subjectType: type, subjectId: id, outcome: 'connected', durationSeconds: 120 });
      assert.equal(res.statusCode, 201, res.body);
      const timeline = (await rep.get(`/api/v1/${type}s/${id}/timeline?kind=call_connected`)).json().data as Item[];
      assert.equal(timeline.length, 1, type);
    }
  });
});

describe('do not call', () => {
  test('an outbound call to a do-not-call lead is refused with 422 and nothing is logged; inbound calls still are', async () => {
    const lead = await newLead(rep, { doNotCall: true });
    assert.equal(lead.doNotCall, true);
    const res = await rep.post('/api/v1/calls', { subjectType: 'lead', subjectId: lead.id, outcome: 'connected', nextStep: { dueAt: new Date(Date.now() + 3_600_000).toISOString() } });
    assert.equal(res.statusCode, 422, res.body);
    assert.match(res.headers['content-type'] as string, /application\/problem\+json/);
    assert.equal(res.json().code, 'do_not_call');
    assert.match(res.json().detail, /do-not-call/);
    assert.deepEqual(await timelineOf(rep, lead.id), []);
    assert.deepEqual((await rep.get(`/api/v1/tasks?subjectType=lead&subjectId=${lead.id}`)).json().data, [], 'the next step was not created either');
    const inbound = await rep.post('/api/v1/calls', { subjectType: 'lead', subjectId: lead.id, outcome: 'connected', direction: 'inbound' });
    assert.equal(inbound.statusCode, 201, inbound.body);
  });

  test('a contact can be flagged do-not-call too', async () => {
    const contact = (await rep.post('/api/v1/contacts', { firstName: 'Dana', lastName: 'Nocall', phone: '+44 20 7946 0000' })).json();
    const patched = await rep.patch(`/api/v1/contacts/${contact.id}`, { doNotCall: true, timeZone: 'Europe/London' });
    assert.equal(patched.statusCode, 200, patched.body);
    assert.equal(patched.json().doNotCall, true);
    assert.equal((await rep.post('/api/v1/calls', { subjectType: 'contact', subjectId: contact.id, outcome: 'voicemail' })).statusCode, 422);
  });

  test('a lead\'s time zone must be a real zone', async () => {
    const lead = await newLead(rep);
    const res = await rep.patch(`/api/v1/leads/${lead.id}`, { timeZone: 'Mars/Olympus' });
    assert.equal(res.statusCode, 400);
    assert.equal(res.json().errors[0].field, 'timeZone');
    assert.equal((await rep.patch(`/api/v1/leads/${lead.id}`, { timeZone: 'America/Chicago' })).json().timeZone, 'America/Chicago');
  });
});

describe('bad input and other organisations', () => {
  test('bad fields are a problem+json listing them, and nothing is logged', async () => {
    const lead = await newLead(rep);
    const bad = [
      { subjectType: 'lead', subjectId: lead.id, outcome: 'sort_of' },
      { subjectType: 'lead', subjectId: lead.id, outcome: 'connected', durationSeconds: -5 },
      { subjectType: 'lead', subjectId: lead.id, outcome: 'connected', recordingUrl: 'javascript:alert(1)' },
      { subjectType: 'lead', subjectId: lead.id, outcome: 'connected', nextStep: { dueAt: 'tomorrow' } },
      { subjectType: 'lead', subjectId: lead.id, outcome: 'connected', extra: true },
      { subjectType: 'planet', subjectId: lead.id, outcome: 'connected' },
    ];
    for (const body of bad) {
      const res = await rep.post('/api/v1/calls', body);
      assert.equal(res.statusCode, 400, JSON.stringify(body));
      assert.match(res.headers['content-type'] as string, /application\/problem\+json/);
    }
    const future = await rep.post('/api/v1/calls', { subjectType: 'lead', subjectId: lead.id, outcome: 'connected', occurredAt: new Date(Date.now() + 86_400_000).toISOString() });
    assert.equal(future.statusCode, 400);
    assert.equal(future.json().errors[0].field, 'occurredAt');
    assert.deepEqual(await timelineOf(rep, lead.id), []);
  });

  test('a record of another organisation is not found, and nothing lands on it', async () => {
    const lead = await newLead(rep);
    const other = await newOrg(t, 'Nosy');
    assert.equal((await other.post('/api/v1/calls', { subjectType: 'lead', subjectId: lead.id, outcome: 'connected' })).statusCode, 404);
    assert.equal((await other.post('/api/v1/calls', { subjectType: 'lead', subjectId: lead.id, outcome: 'connected', taskId: lead.id })).statusCode, 404);
    assert.deepEqual(await timelineOf(rep, lead.id), []);
  });

  test('a partner may not log calls on the org\'s records', async () => {
    const partner = await addUser(t, admin, 'partner');
    const lead = await newLead(rep);
    assert.equal((await partner.post('/api/v1/calls', { subjectType: 'lead', subjectId: lead.id, outcome: 'connected' })).statusCode, 403);
  });
});

describe('call scripts and calling settings', () => {
  test('managers write scripts and settings; reps read them', async () => {
    const script = await admin.post('/api/v1/call-scripts', { name: 'Discovery', body: 'Hi {{firstName}}, this is…', isDefault: true });
    assert.equal(script.statusCode, 201, script.body);
    const second = await admin.post('/api/v1/call-scripts', { name: 'Renewal', body: '…', isDefault: true });
    const list = (await rep.get('/api/v1/call-scripts')).json().data as { name: string; isDefault: boolean }[];
    assert.deepEqual(list.map((s) => [s.name, s.isDefault]), [['Discovery', false], ['Renewal', true]], 'one default');
    assert.equal((await rep.post('/api/v1/call-scripts', { name: 'Mine', body: 'x' })).statusCode, 403);
    assert.equal((await admin.patch(`/api/v1/call-scripts/${second.json().id}`, { name: 'Renewals' })).json().name, 'Renewals');

    assert.equal((await put(rep, '/api/v1/call-settings', { recallAfterMinutes: 10 })).statusCode, 403);
    const bad = await put(admin, '/api/v1/call-settings', { callingHours: { mon: [['25:00', '08:00']] }, defaultTimeZone: 'Nowhere' });
    assert.equal(bad.statusCode, 400);
    assert.ok(bad.json().errors.some((e: { field: string }) => e.field === 'defaultTimeZone'));
    assert.equal((await rep.get('/api/v1/call-settings')).json().version, 0, 'the refused change left the defaults');
    const ok = await put(admin, '/api/v1/call-settings', { defaultTimeZone: 'Europe/Berlin', recallAfterMinutes: 60 });
    assert.equal(ok.statusCode, 200, ok.body);
    assert.equal(ok.json().recallAfterMinutes, 60);
    const stale = await put(admin, '/api/v1/call-settings', { recallAfterMinutes: 30, version: 0 });
    assert.equal(stale.statusCode, 409);
  });
});

describe('the call queue', () => {
  test('offers the best prospect within calling hours, holds back the rest with reasons, and advances after a call', async () => {
    const org = await newOrg(t, 'Queue');
    const seller = await addUser(t, org, 'rep', 'Quinn Queue');
    // Kiritimati (UTC+14) and Pago Pago (UTC-11) are always on different days: open only Kiritimati's.
    const kiritimatiDay = new Intl.DateTimeFormat('en-US', { weekday: 'short', timeZone: 'Pacific/Kiritimati' }).format(new Date()).toLowerCase().slice(0, 3);
    const settings = await put(org, '/api/v1/call-settings', { callingHours: { [kiritimatiDay]: [['00:00', '24:00']] } });
    assert.equal(settings.statusCode, 200, settings.body);
    const lead = async (name: string, fields: Record<string, unknown>) =>
      newLead(seller, { firstName: name, lastName: 'Q', timeZone: 'Pacific/Kiritimati', status: 'working', ...fields });
    const plain = await lead('Plain', {});
    const callback = await lead('Callback', {});
    await seller.post('/api/v1/tasks', { title: 'Call back', type: 'call', dueAt: new Date(Date.now() - 60_000).toISOString(), subjectType: 'lead', subjectId: callback.id });
    await lead('Dnc', { doNotCall: true });
    await lead('Nophone', { phone: null });
    await lead('Asleep', { timeZone: 'Pacific/Pago_Pago' });
    await lead('Nowhere', { timeZone: null, country: null });
    await lead('Nurtured', { status: 'nurture' });

    const first = (await seller.get('/api/v1/call-queue')).json();
    assert.equal(first.current.lead.id, callback.id, 'a due call-back comes first');
    assert.equal(first.current.reason, 'Call-back due');
    assert.ok(first.current.callTaskId);
    assert.equal(first.current.tel, `tel:${callback.phone.replace(/ /g, '')}`);
    assert.equal(first.current.zone, 'Pacific/Kiritimati');
    assert.deepEqual(first.upNext.map((e: { lead: { id: string } }) => e.lead.id), [plain.id]);
    assert.equal(first.ready, 2);
    assert.deepEqual(first.skipped, { do_not_call: 1, no_phone: 1, outside_calling_hours: 1, unknown_time_zone: 1, recently_called: 0, skipped: 0 });

    // The call completes the call-back; the queue moves on and holds the called lead back for a while.
    const logged = await seller.post('/api/v1/calls', { subjectType: 'lead', subjectId: callback.id, outcome: 'voicemail', taskId: first.current.callTaskId });
    assert.equal(logged.statusCode, 201, logged.body);
    const second = (await seller.get('/api/v1/call-queue')).json();
    assert.equal(second.current.lead.id, plain.id);
    assert.equal(second.skipped.recently_called, 1);
    assert.equal(second.current.history[0].summary, 'Created');

    const skipped = (await seller.get(`/api/v1/call-queue?skip=${plain.id}`)).json();
    assert.equal(skipped.current, null);
    assert.equal(skipped.skipped.skipped, 1);
    const nurture = (await seller.get('/api/v1/call-queue?status=nurture')).json();
    assert.equal(nurture.ready, 1);

    // Someone else's queue: their own leads by default; everyone's with ownerId=any.
    assert.equal((await org.get('/api/v1/call-queue')).json().considered, 0);
    assert.equal((await org.get('/api/v1/call-queue?ownerId=any')).json().considered, 6, 'new and working leads of everyone');
    const outsider = await newOrg(t, 'Outsider');
    assert.equal((await outsider.get('/api/v1/call-queue?ownerId=any')).json().considered, 0);
    assert.equal((await seller.get('/api/v1/call-queue?status=sleeping')).statusCode, 400);
    assert.equal((await seller.get('/api/v1/call-queue?skip=not-a-uuid')).statusCode, 400);
    const partner = await addUser(t, org, 'partner');
    assert.equal((await partner.get('/api/v1/call-queue')).statusCode, 403);
  });
});

describe('call queue sources: contacts and a sequence\'s call steps', () => {
  test('contacts and a sequence\'s waiting call steps are queued under the same do-not-call and calling-hours rules', async () => {
    const org = await newOrg(t, 'Sources');
    const seller = await addUser(t, org, 'rep', 'Sam Source');
    const kiritimatiDay = new Intl.DateTimeFormat('en-US', { weekday: 'short', timeZone: 'Pacific/Kiritimati' }).format(new Date()).toLowerCase().slice(0, 3);
    assert.equal((await put(org, '/api/v1/call-settings', { callingHours: { [kiritimatiDay]: [['00:00', '24:00']] } })).statusCode, 200);
    const account = (await seller.post('/api/v1/accounts', { name: 'Atoll Shipping' })).json();
    const contact = async (firstName: string, fields: Record<string, unknown>) => {
      line += 1;
      const res = await seller.post('/api/v1/contacts', { firstName, lastName: 'C', accountId: account.id, phone: `+49 30 ${line}`, timeZone: 'Pacific/Kiritimati', email: `${firstName.toLowerCase()}@atoll.example`, ...fields });
      assert.equal(res.statusCode, 201, res.body);
      return res.json() as { id: string };
    };
    const reachable = await contact('Reachable', {});
    const dnc = await contact('Dnc', { doNotCall: true });
    const asleep = await contact('Asleep', { timeZone: 'Pacific/Pago_Pago' });

    const people = (await seller.get('/api/v1/call-queue?source=contacts')).json();
    assert.equal(people.current.prospect.id, reachable.id);
    assert.equal(people.current.prospect.subjectType, 'contact');
    assert.equal(people.current.prospect.company, 'Atoll Shipping');
    assert.equal(people.current.lead, null);
    assert.equal(people.ready, 1);
    assert.equal(people.skipped.do_not_call, 1);
    assert.equal(people.skipped.outside_calling_hours, 1);
    assert.equal(people.current.history[0].summary, 'Created');
    assert.equal((await org.get('/api/v1/call-queue?source=contacts')).json().considered, 0, 'the admin owns no contacts');
    assert.equal((await org.get(`/api/v1/call-queue?source=contacts&accountId=${account.id}`)).json().considered, 3);

    const sequence = (await org.post('/api/v1/sequences', { name: 'Atoll calls', steps: [{ channel: 'call', delayDays: 0, note: 'Ask about the fleet' }] })).json();
    const lead = await newLead(seller, { firstName: 'Seqlead', timeZone: 'Pacific/Kiritimati', status: 'working' });
    const enrolled = await seller.post(`/api/v1/sequences/${sequence.id}/enrollments`, {
      targets: [{ subjectType: 'lead', subjectId: lead.id }, { subjectType: 'contact', subjectId: dnc.id }, { subjectType: 'contact', subjectId: asleep.id }],
    });
    assert.equal(enrolled.json().enrolled.length, 3, enrolled.body);
    await runSchedulerTick(t.database.db, emailContextOf(t.config), { now: new Date() });

    const queue = (await seller.get(`/api/v1/call-queue?source=sequence&sequenceId=${sequence.id}`)).json();
    assert.equal(queue.considered, 3);
    assert.equal(queue.ready, 1, 'the do-not-call contact and the one asleep are held back');
    assert.equal(queue.current.prospect.id, lead.id);
    assert.equal(queue.current.lead.id, lead.id);
    assert.equal(queue.current.sequenceStep.stepNumber, 1);
    assert.equal(queue.current.sequenceStep.instruction, 'Ask about the fleet');
    assert.equal(queue.current.reason, 'Atoll calls: step 1');
    assert.equal(queue.current.callTaskId, queue.current.sequenceStep.taskId);
    assert.equal((await org.get(`/api/v1/call-queue?source=sequence&sequenceId=${sequence.id}`)).json().considered, 0, 'only the sender\'s steps');

    const logged = await seller.post('/api/v1/calls', { subjectType: 'lead', subjectId: lead.id, outcome: 'voicemail', taskId: queue.current.callTaskId });
    assert.equal(logged.statusCode, 201, logged.body);
    // Logging the call against the step's task did the step: nothing is left to complete.
    assert.equal((await seller.post(`/api/v1/sequence-enrollments/${queue.current.sequenceStep.enrollmentId}/complete-step`, {})).statusCode, 409);
    const after = (await seller.get(`/api/v1/call-queue?source=sequence&sequenceId=${sequence.id}`)).json();
    assert.equal(after.current, null);
    assert.equal(after.considered, 2);
  });
});

describe('a phone system\'s call on a lead that is later converted', () => {
  test('copies of the call onto the contact, account and deal keep the original the one with the external id', async () => {
    const lead = await newLead(rep);
    const posted = await rep.post('/api/v1/calls', { subjectType: 'lead', subjectId: lead.id, outcome: 'connected', externalCallId: `conv-${lead.id}` });
    assert.equal(posted.statusCode, 201, posted.body);
    const account = (await rep.post('/api/v1/accounts', { name: 'Koch GmbH' })).json();
    const copied = await t.database.db.transaction((tx) =>
      copyActivities(tx, systemActor(rep.orgId, rep.userId), { subjectType: 'lead', subjectId: lead.id }, [{ subjectType: 'account', subjectId: account.id }]),
    );
    assert.ok(copied >= 1);
    const onAccount = (await rep.get(`/api/v1/accounts/${account.id}/timeline?kind=call_connected`)).json().data as Item[];
    assert.equal(onAccount.length, 1);
    assert.equal(onAccount[0]!.details.externalCallId, undefined);
    const again = await rep.post('/api/v1/calls', { subjectType: 'lead', subjectId: lead.id, outcome: 'connected', externalCallId: `conv-${lead.id}` });
    assert.equal(again.statusCode, 200);
    assert.equal(again.json().call.id, posted.json().call.id);
  });
});

describe('a phone system that knows only the number', () => {
  test('the call lands on the lead or contact with that number, however it is written; an unknown number is 404', async () => {
    const org = await newOrg(t, 'PBX');
    const lead = (await org.post('/api/v1/leads', { firstName: 'Lena', lastName: 'Lang', phone: '+49 (30) 555-7781', country: 'DE' })).json();
    const res = await org.post('/api/v1/calls', { phone: '030 5557781', outcome: 'connected', direction: 'inbound', durationSeconds: 60, externalCallId: 'pbx-in-1' });
    assert.equal(res.statusCode, 201, res.body);
    assert.equal(res.json().call.details.matchedBy, 'phone');
    assert.equal((await timelineOf(org, lead.id)).length, 1);
    const unknown = await org.post('/api/v1/calls', { phone: '+1 212 000 0000', outcome: 'connected' });
    assert.equal(unknown.statusCode, 404);
    assert.equal((await org.post('/api/v1/calls', { outcome: 'connected' })).statusCode, 400, 'neither a record nor a number');
    assert.equal((await org.post('/api/v1/calls', { subjectType: 'lead', outcome: 'connected', phone: '030 5557781' })).statusCode, 400, 'half a record');
  });

  test('a number someone on the do-not-call list has is refused for outbound calls, on any record', async () => {
    const org = await newOrg(t, 'DNC number');
    const quiet = await org.post('/api/v1/contacts', { firstName: 'Quinn', lastName: 'Quiet', phone: '+44 20 7946 0011' });
    await org.patch(`/api/v1/contacts/${quiet.json().id}`, { doNotCall: true });
    const lead = (await org.post('/api/v1/leads', { firstName: 'Same', lastName: 'Line', phone: '020 7946 0011', country: 'GB' })).json();
    const refused = await org.post('/api/v1/calls', { subjectType: 'lead', subjectId: lead.id, outcome: 'no_answer' });
    assert.equal(refused.statusCode, 422, refused.body);
    assert.match(refused.json().detail, /do-not-call/);
    assert.deepEqual(await timelineOf(org, lead.id), []);
  });
});
