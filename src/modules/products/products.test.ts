import assert from 'node:assert/strict';
import { test } from 'node:test';
import { addUser, newOrg, startTestApp } from '../../../test/helpers.ts';

const t = await startTestApp();
const admin = await newOrg(t, 'Price book');
const rep = await addUser(t, admin, 'rep');

test('the price book keeps one list price per currency and SKUs unique whatever their case', async () => {
  const created = await admin.post('/api/v1/products', { sku: ' ent-1 ', name: 'Enterprise seat', billing: 'recurring', prices: [{ currency: 'usd', unitPrice: 9_900 }, { currency: 'EUR', unitPrice: 8_900 }] });
  assert.equal(created.statusCode, 201, created.body);
  assert.equal(created.json().sku, 'ENT-1');
  assert.deepEqual(created.json().prices, [{ currency: 'EUR', unitPrice: 8_900 }, { currency: 'USD', unitPrice: 9_900 }]);
  const duplicate = await admin.post('/api/v1/products', { sku: 'Ent-1', name: 'Copy', billing: 'one_time' });
  assert.equal(duplicate.statusCode, 409);
  const twice = await admin.post('/api/v1/products', { sku: 'X', name: 'X', billing: 'one_time', prices: [{ currency: 'EUR', unitPrice: 1 }, { currency: 'eur', unitPrice: 2 }] });
  assert.deepEqual(twice.json().errors, [{ field: 'prices.1.currency', message: 'Two prices in EUR' }]);
  const fake = await admin.post('/api/v1/products', { sku: 'Y', name: 'Y', billing: 'one_time', prices: [{ currency: 'XYZ', unitPrice: 1 }] });
  assert.deepEqual(fake.json().errors, [{ field: 'prices.0.currency', message: 'XYZ is not an ISO 4217 currency code' }]);

  const id = created.json().id;
  const repriced = await admin.patch(`/api/v1/products/${id}`, { prices: [{ currency: 'GBP', unitPrice: 7_900 }], active: false }, { 'if-match': '"1"' });
  assert.equal(repriced.statusCode, 200);
  assert.deepEqual(repriced.json().prices, [{ currency: 'GBP', unitPrice: 7_900 }]);
  assert.equal((await admin.patch(`/api/v1/products/${id}`, { name: 'Stale' }, { 'if-match': '"1"' })).statusCode, 412);
  assert.deepEqual((await rep.get('/api/v1/products?active=true')).json().data.map((p: { sku: string }) => p.sku), []);
  assert.deepEqual((await rep.get('/api/v1/products?q=enterprise')).json().data.map((p: { sku: string }) => p.sku), ['ENT-1']);
  const audit = (await admin.get(`/api/v1/audit-log/product/${id}`)).json().data;
  assert.deepEqual(audit.map((a: { action: string }) => a.action), ['update', 'create']);
});

test('reps read the price book; admins and managers keep it', async () => {
  assert.equal((await rep.post('/api/v1/products', { sku: 'R', name: 'R', billing: 'one_time' })).statusCode, 403);
  const manager = await addUser(t, admin, 'manager');
  assert.equal((await manager.post('/api/v1/products', { sku: 'M', name: 'M', billing: 'one_time' })).statusCode, 201);
});

test('the price book pages by name', async () => {
  const org = await newOrg(t, 'Paging');
  for (const name of ['Delta', 'Alpha', 'Charlie', 'Bravo']) await org.post('/api/v1/products', { sku: name, name, billing: 'one_time' });
  const first = (await org.get('/api/v1/products?limit=3')).json();
  const second = (await org.get(`/api/v1/products?limit=3&cursor=${first.nextCursor}`)).json();
  assert.deepEqual([...first.data, ...second.data].map((p: { name: string }) => p.name), ['Alpha', 'Bravo', 'Charlie', 'Delta']);
  assert.equal(second.nextCursor, null);
});
