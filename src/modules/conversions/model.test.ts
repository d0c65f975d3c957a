import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  accountFill,
  chooseAccount,
  chooseContact,
  contactAccountProblem,
  contactFill,
  conversionRefusal,
  newAccountFields,
  proposeOpportunity,
  qualifyingRep,
  rankAccounts,
  rankContacts,
  type AccountCandidate,
  type ContactCandidate,
  type LeadFacts,
} from './model.ts';

const lead = (over: Partial<LeadFacts> = {}): LeadFacts => ({
  id: 'lead-1',
  status: 'qualified',
  ownerId: 'rita',
  firstName: 'Anna',
  lastName: 'Berg',
  email: 'anna@acme.de',
  phone: '030 1234567',
  title: 'CTO',
  company: 'Acme GmbH',
  website: null,
  industry: 'Software',
  employeeCount: 120,
  country: 'DE',
  region: null,
  city: 'Berlin',
  notes: 'Wants a pilot in Q3',
  ...over,
});

test('who may convert which lead', () => {
  const rows: [string, string, string | null, string, number | null, string | null][] = [
    // role, user, lead owner, status → HTTP status, code
    ['rep', 'rita', 'rita', 'qualified', null, null],
    ['rep', 'rita', null, 'qualified', null, null],
    ['rep', 'rita', 'ben', 'qualified', 403, 'forbidden'],
    ['manager', 'mia', 'ben', 'qualified', null, null],
    ['admin', 'ada', 'ben', 'qualified', null, null],
    ['rep', 'rita', 'rita', 'working', 409, 'lead_not_qualified'],
    ['rep', 'rita', 'rita', 'new', 409, 'lead_not_qualified'],
    ['rep', 'rita', 'rita', 'nurture', 409, 'lead_not_qualified'],
    ['manager', 'mia', 'rita', 'disqualified', 409, 'lead_not_qualified'],
    ['rep', 'rita', 'rita', 'converted', 409, 'already_converted'],
    ['rep', 'rita', 'ben', 'converted', 403, 'forbidden'],
  ];
  for (const [role, userId, ownerId, status, code, name] of rows) {
    const refusal = conversionRefusal({ role: role as 'rep', userId }, { ownerId, status });
    assert.equal(refusal?.status ?? null, code, `${role} ${userId} on ${ownerId}'s ${status} lead`);
    assert.equal(refusal?.code ?? null, name);
  }
  assert.equal(conversionRefusal({ role: 'rep', userId: 'rita' }, { ownerId: 'rita', status: 'working' })!.message, 'Only a qualified lead can be converted; this lead is working: mark it qualified first');
});

const contact = (over: Partial<ContactCandidate>): ContactCandidate => ({
  id: 'c',
  firstName: '',
  lastName: '',
  email: null,
  phone: null,
  accountId: null,
  accountDomain: null,
  accountCountry: null,
  createdAt: '2025-01-01T00:00:00Z',
  ...over,
});

test('contacts rank by evidence; only the same email is reused without asking', () => {
  const byEmail = contact({ id: 'email', email: 'ANNA@acme.de', createdAt: '2025-03-01T00:00:00Z' });
  const byPhone = contact({ id: 'phone', phone: '+49 30 1234567', lastName: 'Switchboard' });
  const byName = contact({ id: 'name', firstName: 'anna', lastName: 'berg', accountDomain: 'acme.de' });
  const sameNameElsewhere = contact({ id: 'other', firstName: 'Anna', lastName: 'Berg', accountDomain: 'globex.com' });
  const ranked = rankContacts(lead(), [byName, sameNameElsewhere, byPhone, byEmail]);
  assert.deepEqual(ranked.map((c) => [c.id, c.reason]), [['email', 'email'], ['phone', 'phone'], ['name', 'name_and_domain']]);
  assert.deepEqual(chooseContact(lead(), 'match', ranked), { mode: 'existing', id: 'email' });
  assert.deepEqual(chooseContact(lead(), 'match', ranked.slice(1)), { mode: 'new' }, 'a phone or name match is offered, not taken');
  assert.deepEqual(chooseContact(lead(), 'new', ranked), { mode: 'new' });
  assert.deepEqual(chooseContact(lead(), { id: 'name' }, ranked), { mode: 'existing', id: 'name' });
  const companyOnly = lead({ firstName: '', lastName: '', email: null });
  assert.deepEqual(chooseContact(companyOnly, 'match', []), { mode: 'none' }, 'a lead naming no person makes no contact');
  assert.deepEqual(chooseContact(companyOnly, 'new', []), { mode: 'none' });
});

const account = (id: string, over: Partial<AccountCandidate> = {}): AccountCandidate => ({ id, name: id, domain: null, ownerId: null, createdAt: '2025-01-01T00:00:00Z', similarity: 1, ...over });

test('accounts rank: the reused contact’s account, then the company domain, then similar names', () => {
  const byDomain = [account('acme-new', { domain: 'acme.de', createdAt: '2025-05-01T00:00:00Z' }), account('acme-old', { domain: 'acme.de' }), account('wrong', { domain: 'other.de' })];
  const bySimilarName = [account('acme-ag', { similarity: 0.55 }), account('acme-old', { similarity: 0.9 }), account('acme-gmbh', { similarity: 0.81 }), account('acne', { similarity: 0.3 })];
  const ranked = rankAccounts(lead(), { byDomain, bySimilarName, ofContact: null });
  assert.deepEqual(ranked.map((a) => [a.id, a.reason]), [['acme-old', 'domain'], ['acme-new', 'domain'], ['acme-gmbh', 'similar_name'], ['acme-ag', 'similar_name']]);
  assert.deepEqual(chooseAccount('match', ranked), { mode: 'existing', id: 'acme-old' });
  const withContact = rankAccounts(lead(), { byDomain, bySimilarName, ofContact: account('holding') });
  assert.equal(withContact[0]!.id, 'holding');
  assert.equal(withContact[0]!.reason, 'contact_account');
  assert.deepEqual(chooseAccount('new', withContact), { mode: 'new' });
  assert.deepEqual(chooseAccount({ id: 'x' }, withContact), { mode: 'existing', id: 'x' });
  assert.deepEqual(chooseAccount('match', []), { mode: 'new' });
  const freeMail = rankAccounts(lead({ email: 'anna@gmail.com' }), { byDomain: [account('gmail', { domain: 'gmail.com' })], bySimilarName: [], ofContact: null });
  assert.deepEqual(freeMail, [], 'a free-mail domain says nothing about the employer');
});

test('a reused contact must belong to the account the lead converts into, or to none', () => {
  assert.equal(contactAccountProblem({ accountId: null, name: 'Anna Berg' }, 'acme', 'Acme'), null);
  assert.equal(contactAccountProblem({ accountId: 'acme', name: 'Anna Berg' }, 'acme', 'Acme'), null);
  assert.deepEqual(contactAccountProblem({ accountId: 'globex', name: 'Anna Berg' }, 'acme', 'Acme'), {
    field: 'contact',
    message: 'Anna Berg is a contact of another account than Acme: convert into that account, or choose a new contact',
  });
});

test('lead fields map onto a new account; an existing account and contact only gain what they lack', () => {
  assert.deepEqual(newAccountFields(lead()), { name: 'Acme GmbH', domain: 'acme.de', industry: 'Software', employeeCount: 120, country: 'DE', region: null, city: 'Berlin' });
  assert.equal(newAccountFields(lead({ company: '' })).name, 'Anna Berg', 'a person without a company becomes their own account');
  assert.equal(newAccountFields(lead({ email: 'anna@gmail.com', website: 'https://www.acme.de/about' })).domain, 'acme.de');
  assert.deepEqual(accountFill({ domain: null, industry: 'Retail', employeeCount: null, country: 'AT', region: null, city: null }, lead()), { domain: 'acme.de', employeeCount: 120, city: 'Berlin' });
  assert.deepEqual(contactFill({ phone: null, title: 'VP', accountId: null, notes: '' }, lead(), 'acme'), { phone: '030 1234567', accountId: 'acme', notes: 'Wants a pilot in Q3' });
  assert.deepEqual(contactFill({ phone: '1', title: 'VP', accountId: 'x', notes: 'Met at CeBIT' }, lead(), 'acme'), { notes: 'Met at CeBIT\n\nWants a pilot in Q3' });
  assert.deepEqual(contactFill({ phone: '1', title: 'VP', accountId: 'x', notes: 'Met at CeBIT\n\nWants a pilot in Q3' }, lead(), 'acme'), {}, 'converting twice into one contact does not repeat the notes');
});

test('the proposed deal takes budget and a future timeline from the qualification answers', () => {
  const answers = (budget: unknown, timeline: unknown) => ({
    frameworkId: 'f',
    framework: 'BANT',
    percent: 100,
    answers: [
      { key: 'budget', question: 'Budget', type: 'money', answer: budget },
      { key: 'timeline', question: 'Timeline', type: 'date', answer: timeline },
    ],
  });
  assert.deepEqual(proposeOpportunity('Acme GmbH', lead(), answers({ amount: 2_400_000, currency: 'EUR' }, '2025-09-30'), '2025-06-01'), {
    name: 'Acme GmbH – new business',
    amount: 2_400_000,
    currency: 'EUR',
    closeDate: '2025-09-30',
    description: 'Wants a pilot in Q3',
  });
  const past = proposeOpportunity('Acme GmbH', lead({ notes: '' }), answers({ amount: 1 }, '2025-01-01'), '2025-06-01');
  assert.deepEqual([past.amount, past.currency, past.closeDate, past.description], [null, null, null, ''], 'a malformed budget and a past date are not proposed');
  assert.equal(proposeOpportunity('Acme', lead(), null, '2025-06-01').amount, null);
});

test('the SDR credit goes to the owner when the lead became qualified', () => {
  const active = () => true;
  const history = [
    { actorId: 'admin', after: { status: 'new', ownerId: 'admin' } },
    { actorId: 'router', after: { ownerId: 'rita' } },
    { actorId: 'rita', after: { status: 'working' } },
    { actorId: 'mia', after: { status: 'qualified' } },
    { actorId: 'mia', after: { ownerId: 'ben' } },
  ];
  assert.equal(qualifyingRep(history, 'ben', 'ben', active), 'rita', 'the rep who worked it, though a manager set the status and the lead moved on');
  assert.equal(qualifyingRep([{ actorId: 'mia', after: { status: 'qualified', ownerId: 'ben' } }], 'ben', 'x', active), 'ben', 'an owner set with the status counts');
  assert.equal(qualifyingRep([{ actorId: null, after: { status: 'new', ownerId: null } }, { actorId: 'mia', after: { status: 'qualified' } }], null, 'x', active), 'mia', 'unowned: whoever qualified it');
  assert.equal(qualifyingRep([], 'ben', 'x', active), 'ben', 'no history (an imported qualified lead): its owner');
  assert.equal(qualifyingRep([], null, 'x', active), 'x');
  assert.equal(qualifyingRep(history, 'ben', 'x', (id) => id !== 'rita'), 'mia', 'a rep who left is passed over');
  assert.equal(qualifyingRep([], null, null, active), null);
});
