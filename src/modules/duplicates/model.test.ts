import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  bestMatch,
  companyDomain,
  groupPairs,
  hostOf,
  isFreeMailDomain,
  knownCallingCountries,
  personKey,
  phoneTail,
  sameNameAndDomainPairs,
  samePersonReason,
  samePhonePairs,
  toE164,
  type MatchCandidate,
} from './model.ts';

describe('phone numbers in E.164', () => {
  test('international numbers keep their country code, however written', () => {
    for (const written of ['+49 30 1234567', '+49 (30) 123-45-67', '+49.30.1234567', '0049 30 1234567', '00 49-30-1234567', '+49 (0)30 1234567']) {
      assert.equal(toE164(written), '+49301234567', written);
    }
  });

  test('national numbers need the country they were dialled in, and lose the trunk prefix', () => {
    assert.equal(toE164('030 1234567', 'DE'), '+49301234567');
    assert.equal(toE164('030 1234567', 'de'), '+49301234567', 'country codes in any case');
    assert.equal(toE164('020 7946 0958', 'GB'), '+442079460958');
    assert.equal(toE164('01 23 45 67 89', 'FR'), '+33123456789');
    assert.equal(toE164('030 1234567'), null, 'no country: unknown');
    assert.equal(toE164('030 1234567', 'ZZ'), null, 'unknown country: unknown');
  });

  test('Italy keeps its leading 0; Spain has no trunk prefix', () => {
    assert.equal(toE164('06 1234 5678', 'IT'), '+390612345678');
    assert.equal(toE164('+39 06 1234 5678'), '+390612345678');
    assert.equal(toE164('912 345 678', 'ES'), '+34912345678');
  });

  test('North American numbers: ten digits, with or without the leading 1, and 011 dials out', () => {
    assert.equal(toE164('(415) 555-0100', 'US'), '+14155550100');
    assert.equal(toE164('1 415 555 0100', 'US'), '+14155550100');
    assert.equal(toE164('+1 415 555 0100', 'DE'), '+14155550100', 'an international number ignores the country');
    assert.equal(toE164('011 49 30 1234567', 'US'), '+49301234567');
    assert.equal(toE164('416-555-0199', 'CA'), '+14165550199');
  });

  test('extensions are not part of the number', () => {
    assert.equal(toE164('+49 30 1234567 x 12'), '+49301234567');
    assert.equal(toE164('+49 30 1234567 ext. 12'), '+49301234567');
    assert.equal(toE164('030 1234567ext12', 'DE'), '+49301234567');
  });

  test('what is not a phone number is null', () => {
    assert.equal(toE164(null), null);
    assert.equal(toE164(''), null);
    assert.equal(toE164('   '), null);
    assert.equal(toE164('call me'), null);
    assert.equal(toE164('+49 30'), null, 'too short');
    assert.equal(toE164('+49 30 1234 5678 9012 345'), null, 'longer than E.164 allows');
    assert.equal(toE164('555 0100', 'US'), null, 'a local number without area code');
  });

  test('every listed country normalises its own national format to +code…', () => {
    for (const country of knownCallingCountries()) {
      const e164 = toE164('0123456789', country);
      assert.ok(e164?.startsWith('+'), `${country}: ${e164}`);
      assert.ok(e164!.length >= 9 && e164!.length <= 16, `${country}: ${e164}`);
    }
  });

  test('the indexed tail is the last seven digits', () => {
    assert.equal(phoneTail('+49301234567'), '1234567');
    assert.equal(phoneTail(toE164('030 1234567', 'DE')!), phoneTail(toE164('+49 (0)30 123 45 67')!));
  });
});

describe('domains', () => {
  test('free-mail providers are recognised, including their country domains', () => {
    for (const domain of ['gmail.com', 'googlemail.com', 'outlook.com', 'hotmail.com', 'yahoo.com', 'yahoo.co.uk', 'hotmail.fr', 'outlook.de', 'gmx.de', 'web.de', 'icloud.com', 'proton.me']) {
      assert.equal(isFreeMailDomain(domain), true, domain);
    }
    for (const domain of ['acme.com', 'mail.acme.com', 'gmailer.com', 'yahoofinance.example']) assert.equal(isFreeMailDomain(domain), false, domain);
  });

  test('the company domain comes from a work email, else the website', () => {
    assert.equal(companyDomain('Anna@Acme.com', null), 'acme.com');
    assert.equal(companyDomain('anna@gmail.com', 'https://www.acme.com/about'), 'acme.com');
    assert.equal(companyDomain('anna@gmail.com', null), null);
    assert.equal(companyDomain(null, 'gmail.com'), null, 'a free-mail website says nothing either');
    assert.equal(companyDomain(null, null), null);
  });

  test('hosts are bare', () => {
    assert.equal(hostOf('HTTPS://WWW.Acme.com:8443/x?y#z'), 'acme.com');
    assert.equal(hostOf('shop.acme.co.uk'), 'shop.acme.co.uk');
    assert.equal(hostOf(' '), null);
  });

  test('a person key needs both names, ignoring case and spacing', () => {
    assert.equal(personKey(' Anna ', 'Van  Berg'), 'anna|van berg');
    assert.equal(personKey('Anna', ''), null);
    assert.equal(personKey(null, 'Berg'), null);
  });
});

describe('the same person', () => {
  const anna = { email: 'anna@acme.com', phone: '+49 30 1234567', firstName: 'Anna', lastName: 'Berg' };

  test('same email in any case', () => {
    assert.equal(samePersonReason({ email: 'ANNA@ACME.COM ' }, { email: 'anna@acme.com' }), 'email');
  });

  test('same phone in different formats, national numbers read in each side\'s country', () => {
    assert.equal(samePersonReason({ phone: '030 1234567', country: 'DE' }, { phone: '+49-30-123 45 67' }), 'phone');
    assert.equal(samePersonReason({ phone: '030 1234567' }, { phone: '+49 30 1234567' }, 'DE'), 'phone', 'the default country reads national numbers');
    assert.equal(samePersonReason({ phone: '030 1234567' }, { phone: '+49 30 1234567' }), null, 'without any country a national number is unknown');
    assert.equal(samePersonReason({ phone: '030 1234567', country: 'DE' }, { phone: '030 1234567', country: 'GB' }), null, 'same digits, different countries');
  });

  test('same first and last name at the same company domain', () => {
    assert.equal(samePersonReason({ firstName: 'anna', lastName: 'BERG', email: 'a.berg@acme.com' }, { ...anna, email: 'anna@acme.com', phone: null }), 'name_and_domain');
    assert.equal(samePersonReason({ firstName: 'Anna', lastName: 'Berg', website: 'https://acme.com' }, { firstName: 'Anna', lastName: 'Berg', email: 'anna@acme.com' }), 'name_and_domain');
    assert.equal(samePersonReason({ firstName: 'Anna', lastName: 'Berg', email: 'anna.b@acme.com' }, { firstName: 'Anna', lastName: 'Berg', domain: 'www.acme.com' }), 'name_and_domain', 'a contact\'s account domain');
  });

  test('free-mail domains are never a shared company', () => {
    assert.equal(samePersonReason({ firstName: 'Anna', lastName: 'Berg', email: 'anna.berg@gmail.com' }, { firstName: 'Anna', lastName: 'Berg', email: 'berg.anna@gmail.com' }), null);
    assert.equal(samePersonReason({ firstName: 'Anna', lastName: 'Berg', email: 'anna@gmail.com' }, { firstName: 'Anna', lastName: 'Berg', domain: 'gmail.com' }), null);
  });

  test('a name alone, or a domain alone, is not enough', () => {
    assert.equal(samePersonReason({ firstName: 'Anna', lastName: 'Berg', email: 'anna@acme.com' }, { firstName: 'Anna', lastName: 'Berg', email: 'anna@globex.com' }), null);
    assert.equal(samePersonReason({ firstName: 'Anna', lastName: 'Berg', email: 'anna@acme.com' }, { firstName: 'Bob', lastName: 'Berg', email: 'bob@acme.com' }), null);
    assert.equal(samePersonReason({ lastName: 'Berg', email: 'x@acme.com' }, { lastName: 'Berg', email: 'y@acme.com' }), null, 'a first name is needed too');
  });

  test('the strongest reason is reported', () => {
    assert.equal(samePersonReason(anna, { ...anna }), 'email');
    assert.equal(samePersonReason(anna, { ...anna, email: 'other@acme.com' }), 'phone');
  });
});

describe('choosing the record a captured person is', () => {
  const candidate = (over: Partial<MatchCandidate>): MatchCandidate => ({ type: 'lead', id: 'x', createdAt: '2026-01-01T00:00:00.000Z', ...over });
  const person = { email: 'anna@acme.com', phone: '+49 30 1234567', firstName: 'Anna', lastName: 'Berg' };

  test('no candidate matches → none', () => {
    assert.equal(bestMatch(person, [candidate({ email: 'bob@acme.com', firstName: 'Bob', lastName: 'Berg' })]), null);
    assert.equal(bestMatch(person, []), null);
  });

  test('the strongest reason wins over record type and age', () => {
    const match = bestMatch(person, [
      candidate({ id: 'old-contact', type: 'contact', phone: '+49301234567', createdAt: '2020-01-01T00:00:00.000Z' }),
      candidate({ id: 'new-lead', email: 'Anna@acme.com', createdAt: '2026-05-01T00:00:00.000Z' }),
    ]);
    assert.deepEqual([match?.candidate.id, match?.reason], ['new-lead', 'email']);
  });

  test('on an equal reason a contact beats a lead, then the oldest record wins', () => {
    const lead = candidate({ id: 'lead', email: 'anna@acme.com', createdAt: '2020-01-01T00:00:00.000Z' });
    const contact = candidate({ id: 'contact', type: 'contact', email: 'anna@acme.com', createdAt: '2026-01-01T00:00:00.000Z' });
    assert.equal(bestMatch(person, [lead, contact])?.candidate.id, 'contact');
    const older = candidate({ id: 'b-older', email: 'anna@acme.com', createdAt: '2021-01-01T00:00:00.000Z' });
    const newer = candidate({ id: 'a-newer', email: 'anna@acme.com', createdAt: '2022-01-01T00:00:00.000Z' });
    assert.equal(bestMatch(person, [newer, older])?.candidate.id, 'b-older');
  });

  test('national phone numbers of candidates are read in their own country, else the form\'s', () => {
    const national = candidate({ id: 'n', phone: '030 1234567' });
    assert.equal(bestMatch({ phone: '+49 30 1234567' }, [national]), null);
    assert.equal(bestMatch({ phone: '+49 30 1234567' }, [national], 'DE')?.candidate.id, 'n');
    assert.equal(bestMatch({ phone: '+49 30 1234567' }, [{ ...national, country: 'GB' }], 'DE'), null);
  });
});

describe('duplicate groups', () => {
  test('pairs that share a record become one group scored by its strongest pair', () => {
    const groups = groupPairs([
      { a: 'c', b: 'b', reason: 'phone', score: 0.9, value: '+49301234567' },
      { a: 'b', b: 'a', reason: 'email', score: 1, value: 'anna@acme.com' },
      { a: 'x', b: 'y', reason: 'similar_name', score: 0.6, value: 'Globex' },
    ]);
    assert.equal(groups.length, 2);
    assert.deepEqual(groups[0]!.ids, ['a', 'b', 'c']);
    assert.equal(groups[0]!.score, 1);
    assert.deepEqual(groups[0]!.reasons.map((r) => r.reason), ['email', 'phone']);
    assert.deepEqual(groups[1]!.ids, ['x', 'y']);
  });

  test('the same pair for the same reason counts once; chains join across reasons', () => {
    const groups = groupPairs([
      { a: 'a', b: 'b', reason: 'email', score: 1, value: 'e' },
      { a: 'b', b: 'a', reason: 'email', score: 1, value: 'e' },
      { a: 'd', b: 'c', reason: 'phone', score: 0.9, value: 'p' },
      { a: 'c', b: 'b', reason: 'name_and_domain', score: 0.8, value: 'acme.com' },
    ]);
    assert.equal(groups.length, 1);
    assert.deepEqual(groups[0]!.ids, ['a', 'b', 'c', 'd']);
    assert.equal(groups[0]!.reasons.length, 3);
  });

  test('no pairs, no groups; equal scores order by first id', () => {
    assert.deepEqual(groupPairs([]), []);
    const groups = groupPairs([
      { a: 'm', b: 'n', reason: 'email', score: 1, value: null },
      { a: 'b', b: 'c', reason: 'email', score: 1, value: null },
    ]);
    assert.deepEqual(groups.map((g) => g.ids[0]), ['b', 'm']);
  });

  test('phone candidates are confirmed by their full numbers', () => {
    const pairs = samePhonePairs(
      [
        { id: '1', phone: '+49 30 1234567', country: null },
        { id: '2', phone: '030 1234567', country: 'DE' },
        { id: '3', phone: '+44 30 1234567', country: null },
        { id: '4', phone: '030 1234567', country: null },
      ],
      null,
    );
    assert.deepEqual(pairs.map((p) => [p.a, p.b, p.value]), [['1', '2', '+49301234567']]);
    assert.equal(samePhonePairs([{ id: '4', phone: '030 1234567', country: null }, { id: '1', phone: '+49301234567', country: null }], 'DE').length, 1);
  });

  test('name candidates are confirmed by a shared, non-free-mail domain', () => {
    const pairs = sameNameAndDomainPairs([
      { id: '1', firstName: 'Anna', lastName: 'Berg', email: 'anna@acme.com' },
      { id: '2', firstName: 'anna', lastName: 'berg', email: 'a.berg@acme.com' },
      { id: '3', firstName: 'Anna', lastName: 'Berg', email: 'anna@gmail.com' },
      { id: '4', firstName: 'Anna', lastName: 'Berg', email: 'anna.berg@gmail.com' },
    ]);
    assert.deepEqual(pairs.map((p) => [p.a, p.b, p.value]), [['1', '2', 'acme.com']]);
  });
});
