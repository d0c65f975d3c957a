import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createsCycle, normaliseDomain } from './model.ts';

test('domains are reduced to the bare host', () => {
  assert.equal(normaliseDomain('https://www.Acme.com/about?x=1'), 'acme.com');
  assert.equal(normaliseDomain('acme.co.uk'), 'acme.co.uk');
  assert.equal(normaliseDomain('http://shop.acme.com:8080'), 'shop.acme.com');
  assert.equal(normaliseDomain('   '), null);
  assert.equal(normaliseDomain(null), null);
});

test('an account cannot become its own ancestor', () => {
  const parents = new Map<string, string | null>([
    ['child', 'parent'],
    ['parent', 'grandparent'],
    ['grandparent', null],
  ]);
  assert.equal(createsCycle('grandparent', 'child', parents), true);
  assert.equal(createsCycle('child', 'child', parents), true);
  assert.equal(createsCycle('child', 'grandparent', parents), false);
  assert.equal(createsCycle('other', null, parents), false);
});
