import assert from 'node:assert/strict';
import { test } from 'node:test';
import { orgChart, reportingCycle, sizeBand } from './relationships.model.ts';

const p = (contactId: string, reportsToContactId: string | null = null) => ({ contactId, reportsToContactId });
const shape = (nodes: ReturnType<typeof orgChart<ReturnType<typeof p>>>): unknown => nodes.map((n) => (n.reports.length ? { [n.contactId]: shape(n.reports) } : n.contactId));

test('the org chart nests key players under whom they report to', () => {
  assert.deepEqual(shape(orgChart([p('cfo', 'ceo'), p('ceo'), p('controller', 'cfo'), p('cto', 'ceo'), p('buyer', 'cfo')])), [
    { ceo: [{ cfo: ['controller', 'buyer'] }, 'cto'] },
  ]);
});

test('someone reporting to a contact who is not a key player, or in a circle, is shown at the top, not lost', () => {
  assert.deepEqual(shape(orgChart([p('vp', 'someone-else'), p('a', 'b'), p('b', 'a')])), ['vp', 'a', 'b']);
  assert.deepEqual(shape(orgChart([p('self', 'self')])), ['self']);
});

test('a reporting line that would close a circle is caught', () => {
  const players = [p('ceo'), p('cfo', 'ceo'), p('controller', 'cfo')];
  assert.equal(reportingCycle('ceo', 'controller', players), true);
  assert.equal(reportingCycle('ceo', 'ceo', players), true);
  assert.equal(reportingCycle('controller', 'ceo', players), false);
  assert.equal(reportingCycle('new', 'controller', players), false);
  assert.equal(reportingCycle('ceo', null, players), false);
});

test('size bands', () => {
  assert.deepEqual([null, 0, 10, 11, 50, 51, 200, 201, 1000, 1001, 5000, 5001].map(sizeBand), [null, '1-10', '1-10', '11-50', '11-50', '51-200', '51-200', '201-1000', '201-1000', '1001-5000', '1001-5000', '5000+']);
});
