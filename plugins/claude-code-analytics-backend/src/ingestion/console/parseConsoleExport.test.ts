import {
  parseConsoleExport,
  parseCount,
  parseUsdMicros,
} from './parseConsoleExport';

// The columns of the Console's Team insights export (Claude Code page, "Export").
const HEADER = 'User,Spend this Month (USD),Lines this Month';

describe('parseUsdMicros', () => {
  it.each([
    ['1234.56', 1_234_560_000],
    ['1,234.56', 1_234_560_000],
    ['$1,234.56', 1_234_560_000],
    ['$ 12', 12_000_000],
    ['US$7.5', 7_500_000],
    ['12.50 USD', 12_500_000],
    [' 0.00 ', 0],
    ['0.0000004', 0],
    ['0.0000005', 1],
    ['1083.5649999', 1_083_565_000],
    ['', 0],
    ['-', 0],
    ['\u2014', 0],
  ])('reads %p', (text, micros) => {
    expect(parseUsdMicros(text)).toBe(micros);
  });

  it.each(['1.234,56', '-5.00', '12,34.00', 'abc', '$', '1e3', '€12', '12.'])(
    'refuses %p',
    text => {
      expect(parseUsdMicros(text)).toBeUndefined();
    },
  );
});

describe('parseCount', () => {
  it.each([
    ['29041', 29041],
    ['29,041', 29041],
    ['1,234,567', 1234567],
    ['', 0],
    ['-', 0],
  ])('reads %p', (text, count) => {
    expect(parseCount(text)).toBe(count);
  });

  it.each(['12.5', '-3', '1,23', 'many'])('refuses %p', text => {
    expect(parseCount(text)).toBeUndefined();
  });
});

describe('parseConsoleExport', () => {
  it('reads the Console export with quoted, formatted numbers, a BOM and CRLF', () => {
    const csv = `\uFEFF${HEADER}\r\nada@acme.example,"$1,083.56","29,041"\r\nci-deploy-key,787.87,5973\r\n"Smith, Jo <jo@acme.example>",0.00,0\r\n`;
    expect(parseConsoleExport(csv)).toEqual({
      rows: [
        {
          line: 2,
          member: 'ada@acme.example',
          spendMicros: 1_083_560_000,
          linesAccepted: 29041,
        },
        {
          line: 3,
          member: 'ci-deploy-key',
          spendMicros: 787_870_000,
          linesAccepted: 5973,
        },
        {
          line: 4,
          member: 'Smith, Jo <jo@acme.example>',
          spendMicros: 0,
          linesAccepted: 0,
        },
      ],
      rejected: [],
    });
  });

  it('matches headers case-insensitively, trimmed, in any order, reads optional columns and ignores unknown ones', () => {
    const csv = [
      ' lines_ACCEPTED ,Last active,  Member ,Sessions,spend (usd),Accept rate',
      '120,2026-11-20,grace@acme.example,14,$3.10,91%',
    ].join('\n');
    expect(parseConsoleExport(csv)).toEqual({
      rows: [
        {
          line: 2,
          member: 'grace@acme.example',
          spendMicros: 3_100_000,
          linesAccepted: 120,
          sessions: 14,
        },
      ],
      rejected: [],
    });
  });

  it('takes the first filled member column of a file with an email and an API key column', () => {
    const csv = [
      'Email,API key name,Spend,Lines',
      'ada@acme.example,,1,1',
      ',build-bot,2,2',
      ',,3,3',
    ].join('\n');
    const result = parseConsoleExport(csv);
    expect(result).toEqual({
      rows: [
        expect.objectContaining({ line: 2, member: 'ada@acme.example' }),
        expect.objectContaining({ line: 3, member: 'build-bot' }),
      ],
      rejected: [
        { line: 4, reason: 'no member: expected an email or an API key name' },
      ],
    });
  });

  it('rejects rows with bad numbers or the wrong number of fields, with their line numbers', () => {
    const csv = [
      HEADER,
      'ada@acme.example,"1.234,56",10',
      'grace@acme.example,12.00,12.5',
      'linus@acme.example,1.00',
      'dennis@acme.example,1.00,2,extra',
      'margaret@acme.example,1.00,2,',
      '"multi',
      'line@acme.example",2.00,3',
      'ken@acme.example,1"0,3',
    ].join('\n');
    expect(parseConsoleExport(csv)).toEqual({
      rows: [
        expect.objectContaining({ line: 6, member: 'margaret@acme.example' }),
        expect.objectContaining({
          line: 7,
          member: 'multi\nline@acme.example',
        }),
      ],
      rejected: [
        {
          line: 2,
          reason:
            'spend "1.234,56" is not an amount of US dollars such as 1234.56 or $1,234.56',
        },
        {
          line: 3,
          reason: 'lines "12.5" is not a whole number such as 1234 or 1,234',
        },
        { line: 4, reason: 'has 2 fields, the header has 3' },
        { line: 5, reason: 'has 4 fields, the header has 3' },
        {
          line: 9,
          reason: 'malformed CSV: a quote inside the unquoted field 2',
        },
      ],
    });
  });

  it('counts a member listed twice with the same numbers once, and refuses one listed with different numbers', () => {
    const csv = [
      HEADER,
      'ada@acme.example,1.00,10',
      'grace@acme.example,2.00,20',
      'ADA@acme.example ,$1.00,10',
      'grace@acme.example,3.00,20',
      'linus@acme.example,4.00,40',
    ].join('\n');
    expect(parseConsoleExport(csv)).toEqual({
      rows: [
        expect.objectContaining({ line: 2, member: 'ada@acme.example' }),
        expect.objectContaining({ line: 6, member: 'linus@acme.example' }),
      ],
      rejected: [
        {
          line: 3,
          reason:
            'grace@acme.example is on lines 3, 5 with different numbers: the export lists a member once, so none of them is imported',
        },
        { line: 4, reason: 'repeats line 2 (ada@acme.example): counted once' },
        {
          line: 5,
          reason:
            'grace@acme.example is on lines 3, 5 with different numbers: the export lists a member once, so none of them is imported',
        },
      ],
    });
  });

  it('refuses a file without the required columns, saying which names are accepted', () => {
    const result = parseConsoleExport(
      'User,Lines this Month\nada@acme.example,3\n',
    );
    expect(result).toEqual({
      reason: expect.stringContaining(
        'lacks a spend column (one of "spend this month", "spend"',
      ),
    });
  });

  it('does not take daily averages for month-to-date totals', () => {
    const result = parseConsoleExport(
      'Members,Avg daily spend,Avg lines/day\nada@acme.example,$1.00,3\n',
    );
    expect(result).toEqual({
      reason: expect.stringMatching(
        /lacks a spend column .* and a lines column .*\(daily averages cannot stand in for month-to-date totals\)$/,
      ),
    });
  });

  it('refuses two columns for the same number', () => {
    expect(
      parseConsoleExport('User,Spend,Cost,Lines\nada@acme.example,1,1,1\n'),
    ).toEqual({
      reason: 'columns "Spend" and "Cost" both give spend: keep one',
    });
  });

  it('refuses an empty file and one that is not CSV', () => {
    expect(parseConsoleExport('\uFEFF\r\n\r\n')).toEqual({
      reason: 'the file is empty: expected a header line',
    });
    expect(parseConsoleExport(`${HEADER}\n"ada@acme.example,1,2\n`)).toEqual({
      reason: 'not CSV: the quoted field opened on line 2 is never closed',
    });
  });

  it('accepts a header without rows', () => {
    expect(parseConsoleExport(`${HEADER}\r\n`)).toEqual({
      rows: [],
      rejected: [],
    });
  });
});
