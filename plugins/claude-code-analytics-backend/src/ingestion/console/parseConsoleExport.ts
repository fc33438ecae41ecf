import { normalizeIdentity } from '../normalizeIdentity';
import { parseCsv } from './parseCsv';

/** One member's month-to-date totals from the Console's Claude Code "export users" CSV. */
export type ConsoleMemberTotals = {
  /** The CSV line of the row (the header is line 1). */
  line: number;
  /** As exported: an email (OAuth users) or an API key name (API key users). */
  member: string;
  spendMicros: number;
  /** Lines of code accepted (the Console's "Lines this Month"), stored as lines added. */
  linesAccepted: number;
  sessions?: number;
  linesRemoved?: number;
  commits?: number;
  pullRequests?: number;
};

type Field = Exclude<keyof ConsoleMemberTotals, 'line'>;

/**
 * The header names each field is read from, compared after lower-casing, turning `_` into spaces,
 * collapsing white space and dropping a `(USD)` or `($)` unit. `member` names are tried in this
 * order on each row, so a file with both an email and an API key column uses the one filled in.
 */
export const CONSOLE_EXPORT_COLUMNS: Record<Field, string[]> = {
  member: [
    'email',
    'email address',
    'user email',
    'user',
    'member',
    'members',
    'api key name',
    'api key',
    'api key identifier',
  ],
  spendMicros: [
    'spend this month',
    'spend',
    'total spend',
    'spend month to date',
    'month to date spend',
    'cost this month',
    'cost',
  ],
  linesAccepted: [
    'lines this month',
    'lines',
    'lines accepted',
    'accepted lines',
    'lines of code accepted',
    'lines accepted this month',
  ],
  sessions: ['sessions', 'sessions this month', 'number of sessions'],
  linesRemoved: ['lines removed', 'lines removed this month'],
  commits: ['commits', 'commits this month', 'commits by claude code'],
  pullRequests: [
    'pull requests',
    'pull requests this month',
    'pull requests by claude code',
  ],
};

const REQUIRED: Field[] = ['member', 'spendMicros', 'linesAccepted'];

const FIELD_LABELS: Record<Field, string> = {
  member: 'member',
  spendMicros: 'spend',
  linesAccepted: 'lines',
  sessions: 'sessions',
  linesRemoved: 'lines removed',
  commits: 'commits',
  pullRequests: 'pull requests',
};

const MAX_MICROS = Number.MAX_SAFE_INTEGER;

function normalizeHeader(header: string): string {
  return header
    .toLocaleLowerCase('en-US')
    .replace(/[_\s]+/g, ' ')
    .trim()
    .replace(/\s*\((usd|us\$|\$)\)$/, '')
    .trim();
}

/**
 * Reads a US dollar amount: `1234.56`, `1,234.56`, `$1,234.56`, `$ 12`, `12.5 USD`. Empty cells and
 * a lone dash (how tables show "nothing") are zero.
 *
 * @returns micro-dollars, or undefined when the text is not such an amount.
 */
export function parseUsdMicros(text: string): number | undefined {
  const trimmed = text.trim();
  if (trimmed === '' || trimmed === '-' || trimmed === '\u2014') {
    return 0;
  }
  const value = trimmed.replace(/^(US)?\$\s*/i, '').replace(/\s*USD$/i, '');
  const match = /^(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?$/.exec(value);
  if (!match) {
    return undefined;
  }
  const whole = Number(match[1].replace(/,/g, ''));
  const fraction = (match[2] ?? '').padEnd(7, '0');
  // Micro-dollars, rounded half up on the seventh decimal.
  const micros =
    whole * 1_000_000 +
    Number(fraction.slice(0, 6)) +
    (Number(fraction[6]) >= 5 ? 1 : 0);
  return micros <= MAX_MICROS ? micros : undefined;
}

/**
 * Reads a whole count: `29041` or `29,041`. Empty cells and a lone dash are zero.
 *
 * @returns the count, or undefined when the text is not one.
 */
export function parseCount(text: string): number | undefined {
  const value = text.trim();
  if (value === '' || value === '-' || value === '\u2014') {
    return 0;
  }
  if (!/^(\d{1,3}(?:,\d{3})+|\d+)$/.test(value)) {
    return undefined;
  }
  const count = Number(value.replace(/,/g, ''));
  return count <= Number.MAX_SAFE_INTEGER ? count : undefined;
}

/** Maps the header to field indexes, or says what is missing or ambiguous. */
function readHeader(
  header: string[],
): { columns: Map<Field, number[]> } | { reason: string } {
  const columns = new Map<Field, number[]>();
  const normalized = header.map(normalizeHeader);
  for (const [field, names] of Object.entries(CONSOLE_EXPORT_COLUMNS) as Array<
    [Field, string[]]
  >) {
    const indexes = names.flatMap(name =>
      normalized.flatMap((value, index) => (value === name ? [index] : [])),
    );
    if (indexes.length > 1 && field !== 'member') {
      return {
        reason: `columns ${indexes
          .map(index => JSON.stringify(header[index].trim()))
          .join(' and ')} both give ${FIELD_LABELS[field]}: keep one`,
      };
    }
    if (indexes.length > 0) {
      columns.set(field, indexes);
    }
  }
  const missing = REQUIRED.filter(field => !columns.has(field));
  if (missing.length > 0) {
    const averages = normalized.some(value => /^(avg|average)\b/.test(value))
      ? ' (daily averages cannot stand in for month-to-date totals)'
      : '';
    return {
      reason: `the header ${JSON.stringify(
        header.map(value => value.trim()).join(','),
      )} lacks ${missing
        .map(
          field =>
            `a ${FIELD_LABELS[field]} column (one of ${CONSOLE_EXPORT_COLUMNS[
              field
            ]
              .map(name => `"${name}"`)
              .join(', ')})`,
        )
        .join(' and ')}${averages}`,
    };
  }
  return { columns };
}

function sameTotals(a: ConsoleMemberTotals, b: ConsoleMemberTotals): boolean {
  return (Object.keys(FIELD_LABELS) as Field[])
    .filter(field => field !== 'member')
    .every(field => a[field] === b[field]);
}

/**
 * Parses the Console's Claude Code "export users" CSV (Team insights: `User`,
 * `Spend this Month (USD)`, `Lines this Month`), header-driven so that renamed, reordered or added
 * columns are read or ignored (see {@link CONSOLE_EXPORT_COLUMNS}). Rows are validated one by one;
 * a member listed on several rows is accepted once when the rows are identical and rejected on all
 * of them otherwise, since either row could be the right one.
 *
 * @returns the valid rows and the rejected ones with their line and reason, or the reason the whole
 *   file cannot be read (not CSV, no header, required columns missing).
 */
export function parseConsoleExport(text: string):
  | {
      rows: ConsoleMemberTotals[];
      rejected: Array<{ line: number; reason: string }>;
    }
  | { reason: string } {
  const csv = parseCsv(text);
  if ('reason' in csv) {
    return { reason: `not CSV: ${csv.reason}` };
  }
  const records = csv.records.filter(record =>
    record.fields.some(field => field.trim() !== ''),
  );
  if (records.length === 0) {
    return { reason: 'the file is empty: expected a header line' };
  }
  const [headerRecord, ...dataRecords] = records;
  if (headerRecord.error) {
    return {
      reason: `the header on line ${headerRecord.line} is malformed: ${headerRecord.error}`,
    };
  }
  const header = readHeader(headerRecord.fields);
  if ('reason' in header) {
    return { reason: header.reason };
  }
  const { columns } = header;
  const width = headerRecord.fields.length;

  const rejected: Array<{ line: number; reason: string }> = [];
  const valid: ConsoleMemberTotals[] = [];
  for (const record of dataRecords) {
    const reject = (reason: string) =>
      rejected.push({ line: record.line, reason });
    if (record.error) {
      reject(`malformed CSV: ${record.error}`);
      continue;
    }
    const { fields } = record;
    const extra = fields.slice(width).some(field => field.trim() !== '');
    if (fields.length < width || extra) {
      reject(`has ${fields.length} fields, the header has ${width}`);
      continue;
    }
    const member = columns
      .get('member')!
      .map(index => fields[index].trim())
      .find(value => value !== '');
    if (!member) {
      reject('no member: expected an email or an API key name');
      continue;
    }
    if (member.length > 320) {
      reject('the member is longer than 320 characters');
      continue;
    }
    const row: ConsoleMemberTotals = {
      line: record.line,
      member,
      spendMicros: 0,
      linesAccepted: 0,
    };
    const problems: string[] = [];
    for (const [field, indexes] of columns) {
      if (field === 'member') {
        continue;
      }
      const cell = fields[indexes[0]];
      const value =
        field === 'spendMicros' ? parseUsdMicros(cell) : parseCount(cell);
      if (value === undefined) {
        problems.push(
          field === 'spendMicros'
            ? `spend ${JSON.stringify(
                cell,
              )} is not an amount of US dollars such as 1234.56 or $1,234.56`
            : `${FIELD_LABELS[field]} ${JSON.stringify(
                cell,
              )} is not a whole number such as 1234 or 1,234`,
        );
      } else {
        row[field] = value;
      }
    }
    if (problems.length > 0) {
      reject(problems.join('; '));
      continue;
    }
    valid.push(row);
  }

  const byIdentity = new Map<string, ConsoleMemberTotals[]>();
  for (const row of valid) {
    const identity = normalizeIdentity(row.member);
    byIdentity.set(identity, [...(byIdentity.get(identity) ?? []), row]);
  }
  const rows: ConsoleMemberTotals[] = [];
  for (const [identity, group] of byIdentity) {
    const [first, ...repeats] = group;
    if (repeats.every(row => sameTotals(row, first))) {
      rows.push(first);
      for (const row of repeats) {
        rejected.push({
          line: row.line,
          reason: `repeats line ${first.line} (${identity}): counted once`,
        });
      }
    } else {
      const lines = group.map(row => row.line).join(', ');
      for (const row of group) {
        rejected.push({
          line: row.line,
          reason: `${identity} is on lines ${lines} with different numbers: the export lists a member once, so none of them is imported`,
        });
      }
    }
  }
  rows.sort((a, b) => a.line - b.line);
  rejected.sort((a, b) => a.line - b.line);
  return { rows, rejected };
}
