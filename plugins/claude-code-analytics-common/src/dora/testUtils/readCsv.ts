import fs from 'fs';

/**
 * Reads a small CSV file with a header line into one record per row. Handles quoted fields
 * (with doubled quotes and line breaks inside); enough for test fixtures, not a general parser.
 */
export function readCsv(file: string): Array<Record<string, string>> {
  const text = fs.readFileSync(file, 'utf8');
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (char === '"') {
        quoted = false;
      } else {
        field += char;
      }
    } else if (char === '"') {
      quoted = true;
    } else if (char === ',') {
      row.push(field);
      field = '';
    } else if (char === '\n' || char === '\r') {
      if (char === '\r' && text[i + 1] === '\n') {
        i++;
      }
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else {
      field += char;
    }
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  const [header, ...body] = rows.filter(r => r.length > 1 || r[0] !== '');
  return body.map(values =>
    Object.fromEntries(header.map((name, i) => [name, values[i] ?? ''])),
  );
}
