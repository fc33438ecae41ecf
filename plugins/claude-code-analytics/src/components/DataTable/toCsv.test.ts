import { toCsv } from './toCsv';

type Row = { name: string; cost?: number; active: boolean };

const columns = [
  { title: 'Name', value: (row: Row) => row.name },
  { title: 'Spend (USD)', value: (row: Row) => row.cost },
  { title: 'Active', value: (row: Row) => row.active },
];

describe('toCsv', () => {
  it('writes a header and one line per row with the raw numbers', () => {
    expect(
      toCsv(
        [
          { name: 'Team A', cost: 3456.789, active: true },
          { name: 'Team B', cost: 0.0001, active: false },
          { name: 'Team C', cost: -12, active: false },
        ],
        columns,
      ),
    ).toBe(
      'Name,Spend (USD),Active\r\n' +
        'Team A,3456.789,true\r\n' +
        'Team B,0.0001,false\r\n' +
        'Team C,-12,false\r\n',
    );
  });

  it('leaves a missing value empty', () => {
    expect(toCsv([{ name: 'a', active: true }], columns)).toBe(
      'Name,Spend (USD),Active\r\na,,true\r\n',
    );
  });

  it('quotes fields with commas, quotes and line breaks', () => {
    expect(
      toCsv([{ name: 'Ops, "core"\nteam', cost: 1, active: true }], columns),
    ).toBe('Name,Spend (USD),Active\r\n"Ops, ""core""\nteam",1,true\r\n');
  });

  it('keeps text that a spreadsheet would run as a formula as text', () => {
    expect(
      toCsv([{ name: '=HYPERLINK("x")', cost: 1, active: true }], columns),
    ).toBe('Name,Spend (USD),Active\r\n"\'=HYPERLINK(""x"")",1,true\r\n');
  });

  it('writes only the header without rows', () => {
    expect(toCsv([], columns)).toBe('Name,Spend (USD),Active\r\n');
  });
});
