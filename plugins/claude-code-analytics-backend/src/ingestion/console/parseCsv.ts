/** One record of a CSV file. */
export type CsvRecord = {
  /** The 1-based line the record starts on (a quoted field may span several lines). */
  line: number;
  fields: string[];
  /** Why the record is malformed, when it is; its fields are then incomplete. */
  error?: string;
};

/**
 * Parses CSV text as RFC 4180 describes it: comma-separated fields, records ended by CRLF, LF or
 * CR, fields in double quotes may hold commas, line breaks and doubled quotes (`""`). A leading
 * byte order mark is skipped. A malformed record (a quote inside an unquoted field, text after a
 * closing quote) is returned with an error; a quote that is never closed swallows the rest of the
 * file, so it makes the whole text malformed.
 *
 * @returns the records, blank lines included as a single empty field, or the reason the text is
 *   not CSV.
 */
export function parseCsv(
  text: string,
): { records: CsvRecord[] } | { line: number; reason: string } {
  const records: CsvRecord[] = [];
  const input = text.startsWith('\uFEFF') ? text.slice(1) : text;
  let line = 1;
  let position = 0;

  // Each pass of the loop reads one record.
  while (position < input.length) {
    const record: CsvRecord = { line, fields: [] };
    let endOfRecord = false;
    while (!endOfRecord) {
      let field = '';
      if (input[position] === '"') {
        const openedOn = line;
        position += 1;
        for (;;) {
          if (position >= input.length) {
            return {
              line: openedOn,
              reason: `the quoted field opened on line ${openedOn} is never closed`,
            };
          }
          const char = input[position];
          if (char === '"') {
            if (input[position + 1] === '"') {
              field += '"';
              position += 2;
              continue;
            }
            position += 1;
            break;
          }
          if (char === '\r' || char === '\n') {
            if (char === '\r' && input[position + 1] === '\n') {
              field += '\r';
              position += 1;
            }
            line += 1;
          }
          field += input[position];
          position += 1;
        }
        const next = input[position];
        if (
          next !== undefined &&
          next !== ',' &&
          next !== '\r' &&
          next !== '\n'
        ) {
          record.error ??= `text after the closing quote of field ${
            record.fields.length + 1
          }`;
          // Skip to the end of the field so that the next records stay aligned.
          while (
            position < input.length &&
            !',\r\n'.includes(input[position])
          ) {
            position += 1;
          }
        }
      } else {
        while (position < input.length && !',\r\n'.includes(input[position])) {
          if (input[position] === '"') {
            record.error ??= `a quote inside the unquoted field ${
              record.fields.length + 1
            }`;
          }
          field += input[position];
          position += 1;
        }
      }
      record.fields.push(field);

      const separator = input[position];
      if (separator === ',') {
        position += 1;
      } else {
        if (separator === '\r' && input[position + 1] === '\n') {
          position += 2;
        } else if (separator !== undefined) {
          position += 1;
        }
        if (separator !== undefined) {
          line += 1;
        }
        endOfRecord = true;
      }
    }
    records.push(record);
  }
  return { records };
}
