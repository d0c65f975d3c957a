import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  columnNames,
  csvCell,
  csvLine,
  exportHeader,
  IMPORT_FIELD_NAMES,
  IMPORT_FIELDS,
  isBlankRow,
  leadFromRow,
  parseMappingOption,
  percentRead,
  resolveMapping,
  suggestMapping,
  type ImportField,
} from './model.ts';

describe('mapping suggestions', () => {
  const suggested = (header: string) => suggestMapping([header])[header];

  test('headers from other CRMs, spreadsheets and list vendors name their field', () => {
    const cases: [string, ImportField][] = [
      ['E-mail', 'email'],
      ['Email Address', 'email'],
      ['EMAIL', 'email'],
      ['Work Email', 'email'],
      ['first_name', 'firstName'],
      ['First Name', 'firstName'],
      ['Given name', 'firstName'],
      ['Vorname', 'firstName'],
      ['Last Name', 'lastName'],
      ['Surname', 'lastName'],
      ['Company', 'company'],
      ['Account Name', 'company'],
      ['Organisation', 'company'],
      ['Phone', 'phone'],
      ['Mobile', 'phone'],
      ['Phone Number', 'phone'],
      ['Job Title', 'title'],
      ['Website', 'website'],
      ['No. of Employees', 'employeeCount'],
      ['Employees', 'employeeCount'],
      ['Country', 'country'],
      ['State/Province', 'region'],
      ['City', 'city'],
      ['ZIP Code', 'postcode'],
      ['Postal Code', 'postcode'],
      ['Lead Status', 'status'],
      ['Lead Source', 'source'],
      ['Lead Owner', 'ownerEmail'],
      ['Owner Email', 'ownerEmail'],
      ['Description', 'notes'],
      ['employeeCount', 'employeeCount'],
    ];
    for (const [header, field] of cases) assert.equal(suggested(header), field, header);
  });

  test('every field label suggests its own field, so an export imports back as is', () => {
    for (const field of IMPORT_FIELD_NAMES) assert.equal(suggested(IMPORT_FIELDS[field]), field, IMPORT_FIELDS[field]);
  });

  test('unknown headers map to nothing, and a field is suggested for one column only', () => {
    assert.deepEqual(suggestMapping(['Favourite colour', 'Email', 'E-mail', 'Mobile', 'Phone']), {
      'Favourite colour': null,
      Email: 'email',
      'E-mail': null,
      Mobile: 'phone',
      Phone: null,
    });
  });

  test('a lone "Name" column feeds the last name when nothing else names the person', () => {
    assert.deepEqual(suggestMapping(['Name', 'Company']), { Name: 'lastName', Company: 'company' });
    assert.deepEqual(suggestMapping(['First Name', 'Name']), { 'First Name': 'firstName', Name: null });
  });
});

test('column names are trimmed, blanks named by position and repeats numbered', () => {
  assert.deepEqual(columnNames([' Email ', '', 'Phone', 'Phone', 'Phone']), ['Email', 'Column 2', 'Phone', 'Phone (2)', 'Phone (3)']);
});

describe('resolving a mapping against the file', () => {
  const columns = ['E-mail', 'Name', 'Notes'];

  test('gives the field of each column by position', () => {
    assert.deepEqual(resolveMapping(columns, { 'E-mail': 'email', Name: 'lastName', Notes: null }), { fields: ['email', 'lastName', null] });
  });

  test('names unknown columns, unknown fields and fields fed twice', () => {
    const result = resolveMapping(columns, { 'E-mail': 'email', Name: 'email', Nope: 'company', Notes: 'favouriteColour' });
    assert.ok('errors' in result);
    assert.deepEqual(
      result.errors.map((e) => e.field),
      ['mapping.Name', 'mapping.Nope', 'mapping.Notes'],
    );
    assert.match(result.errors[0]!.message, /already fed by the column "E-mail"/);
    assert.match(result.errors[1]!.message, /no such column/);
    assert.match(result.errors[2]!.message, /Not a lead field/);
  });

  test('refuses a mapping that imports nothing', () => {
    assert.deepEqual(resolveMapping(columns, { 'E-mail': null }), { errors: [{ field: 'mapping', message: 'Map at least one column to a lead field' }] });
  });
});

test('the CLI --map option reads COLUMN=field pairs, column names may hold =', () => {
  assert.deepEqual(parseMappingOption('Email=email, First Name=firstName,a=b=company'), { Email: 'email', 'First Name': 'firstName', 'a=b': 'company' });
  assert.deepEqual(parseMappingOption('Email'), { error: '"Email" is not COLUMN=field' });
});

describe('a row becomes a lead or a rejection with its reason', () => {
  const fields: (ImportField | null)[] = ['firstName', 'lastName', 'email', 'company', 'country', 'employeeCount', 'status', 'source', 'phone', 'ownerEmail', null];
  const context = { fields, ownersByEmail: new Map([['rep@acme.test', 'owner-1']]) };
  const row = (cells: Partial<Record<string, string>>) =>
    leadFromRow(
      [cells.firstName ?? 'Anna', cells.lastName ?? 'Berg', cells.email ?? 'anna@acme.test', cells.company ?? 'Acme', cells.country ?? '', cells.employeeCount ?? '', cells.status ?? '', cells.source ?? '', cells.phone ?? '', cells.ownerEmail ?? '', 'ignored'],
      context,
    );
  const reason = (cells: Partial<Record<string, string>>) => {
    const verdict = row(cells);
    return 'reason' in verdict ? verdict.reason : null;
  };

  test('a good row is tidied the way the API tidies: trimmed, blanks null, email lower, country upper', () => {
    const verdict = row({ firstName: '  Anna ', email: ' Anna@Acme.TEST ', country: 'de', employeeCount: '250', status: 'Working', source: 'Trade Show', phone: '+49 30 1234', ownerEmail: 'REP@acme.test' });
    assert.deepEqual(verdict, {
      lead: {
        firstName: 'Anna',
        lastName: 'Berg',
        email: 'anna@acme.test',
        phone: '+49 30 1234',
        company: 'Acme',
        title: null,
        website: null,
        industry: null,
        employeeCount: 250,
        country: 'DE',
        region: null,
        city: null,
        postcode: null,
        status: 'working',
        source: 'trade_show',
        ownerId: 'owner-1',
        notes: null,
        custom: null,
      },
    });
  });

  test('each broken rule is named, quoting the cell as the file had it', () => {
    assert.equal(reason({ email: 'not-an-email' }), 'Email "not-an-email" is not an email address');
    assert.equal(reason({ country: 'Germany' }), 'Country "Germany" is not a two-letter ISO code (like DE or US)');
    assert.equal(reason({ employeeCount: '51-200' }), 'Employees "51-200" is not a whole number from 0 to 10,000,000');
    assert.equal(reason({ employeeCount: '-3' }), 'Employees "-3" is not a whole number from 0 to 10,000,000');
    assert.equal(reason({ status: 'hot' }), 'Status "hot" is not one of new, working, nurture, qualified, disqualified, converted');
    assert.equal(reason({ source: 'web/form' }), 'Lead Source "web/form" may hold only letters, digits, spaces, - and _');
    assert.equal(reason({ phone: 'call me' }), 'Phone "call me" is not a phone number');
    assert.equal(reason({ ownerEmail: 'gone@acme.test' }), 'Owner "gone@acme.test" is not an active user of your organisation (give their email or full name)');
    assert.equal(reason({ firstName: 'x'.repeat(201) }), 'First Name is longer than 200 characters');
    assert.equal(reason({ firstName: ' ', lastName: '', email: '', company: '  ' }), 'The row names no one: give a first or last name, a company or an email');
  });

  test('a row with more cells than the header is refused unless the extra cells are empty', () => {
    const cells = ['Anna', 'Berg', 'anna@acme.test', 'Acme', '', '', '', '', '', '', '', 'extra'];
    assert.deepEqual(leadFromRow(cells, context), { reason: 'The row has 12 cells but the header has 11 columns' });
    assert.ok('lead' in leadFromRow([...cells.slice(0, 11), ' ', ''], context));
  });

  test('a short row reads its missing cells as empty', () => {
    const verdict = leadFromRow(['Anna'], context);
    assert.ok('lead' in verdict);
    assert.equal(verdict.lead.firstName, 'Anna');
    assert.equal(verdict.lead.email, null);
  });

  test("a leading ' that defused a formula is dropped, and NUL characters are removed", () => {
    const verdict = row({ phone: "'+49 30 1234", firstName: 'An\0na' });
    assert.ok('lead' in verdict);
    assert.equal(verdict.lead.phone, '+49 30 1234');
    assert.equal(verdict.lead.firstName, 'Anna');
    const apostrophe = row({ lastName: "O'Brien" });
    assert.ok('lead' in apostrophe && apostrophe.lead.lastName === "O'Brien");
  });
});

test('blank rows are no one, so not rejections', () => {
  assert.equal(isBlankRow(['']), true);
  assert.equal(isBlankRow([' ', '', '\t']), true);
  assert.equal(isBlankRow(['', 'x']), false);
});

test('progress is the share of the file read, 100 only once finished', () => {
  assert.equal(percentRead(0, 1000, false), 0);
  assert.equal(percentRead(505, 1000, false), 50);
  assert.equal(percentRead(1000, 1000, false), 99);
  assert.equal(percentRead(1000, 1000, true), 100);
  assert.equal(percentRead(0, 0, false), 0);
});

describe('CSV cells in exports', () => {
  test('are quoted when they hold a delimiter, a quote or a line break', () => {
    assert.equal(csvCell('plain'), 'plain');
    assert.equal(csvCell('Acme, Inc'), '"Acme, Inc"');
    assert.equal(csvCell('say "hi"'), '"say ""hi"""');
    assert.equal(csvCell('two\nlines'), '"two\nlines"');
    assert.equal(csvCell(null), '');
    assert.equal(csvCell(42), '42');
    assert.equal(csvCell({ a: 1 }), '"{""a"":1}"');
  });

  test('text a spreadsheet would run as a formula is defused with a leading quote', () => {
    assert.equal(csvCell('=HYPERLINK("http://evil.test","x")'), '"\'=HYPERLINK(""http://evil.test"",""x"")"');
    assert.equal(csvCell('+49 30 1234'), "'+49 30 1234");
    assert.equal(csvCell('-2+3'), "'-2+3");
    assert.equal(csvCell('@SUM(A1)'), "'@SUM(A1)");
    assert.equal(csvCell('\tcmd'), "'\tcmd");
    assert.equal(csvCell(-5), '-5', 'numbers are data, not formulas');
  });

  test('lines end in CRLF and headers use the import labels', () => {
    assert.equal(csvLine(['a', 'b c', null]), 'a,b c,\r\n');
    assert.equal(exportHeader('firstName'), 'First Name');
    assert.equal(exportHeader('ownerEmail'), 'Owner Email');
    assert.equal(exportHeader('lifecycleStage'), 'Lifecycle Stage');
  });
});
