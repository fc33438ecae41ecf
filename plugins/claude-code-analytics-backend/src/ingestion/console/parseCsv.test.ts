import { parseCsv } from './parseCsv';

describe('parseCsv', () => {
  it('reads fields with commas, doubled quotes and line breaks inside quotes', () => {
    const result = parseCsv(
      'User,Note\r\n"smith, jo","said ""hi""\r\nand left"\r\nada,plain\r\n',
    );
    expect(result).toEqual({
      records: [
        { line: 1, fields: ['User', 'Note'] },
        { line: 2, fields: ['smith, jo', 'said "hi"\r\nand left'] },
        { line: 4, fields: ['ada', 'plain'] },
      ],
    });
  });

  it('skips a byte order mark and accepts LF, CRLF and CR line ends and no final line end', () => {
    const result = parseCsv('\uFEFFa,b\nc,d\r\ne,f\rg,');
    expect(result).toEqual({
      records: [
        { line: 1, fields: ['a', 'b'] },
        { line: 2, fields: ['c', 'd'] },
        { line: 3, fields: ['e', 'f'] },
        { line: 4, fields: ['g', ''] },
      ],
    });
  });

  it('keeps blank lines as records of one empty field, numbered', () => {
    expect(parseCsv('a\n\nb\n')).toEqual({
      records: [
        { line: 1, fields: ['a'] },
        { line: 2, fields: [''] },
        { line: 3, fields: ['b'] },
      ],
    });
  });

  it('marks a record with a stray quote or text after a closing quote, and goes on', () => {
    const result = parseCsv('a,b\nab"c,d\n"x"y,z\nok,1\n');
    expect(result).toEqual({
      records: [
        { line: 1, fields: ['a', 'b'] },
        {
          line: 2,
          fields: ['ab"c', 'd'],
          error: 'a quote inside the unquoted field 1',
        },
        {
          line: 3,
          fields: ['x', 'z'],
          error: 'text after the closing quote of field 1',
        },
        { line: 4, fields: ['ok', '1'] },
      ],
    });
  });

  it('refuses the whole text when a quote is never closed', () => {
    expect(parseCsv('a,b\nc,"d\ne,f\n')).toEqual({
      line: 2,
      reason: 'the quoted field opened on line 2 is never closed',
    });
  });

  it('reads an empty text as no records', () => {
    expect(parseCsv('')).toEqual({ records: [] });
    expect(parseCsv('\uFEFF')).toEqual({ records: [] });
  });
});
