import { DateTime } from 'luxon';
import { parseInstant } from './parseInstant';
import { SeededRandom } from './summary/testUtils/seededRandom';

/** What Luxon alone answers: the definition the fast path must keep. */
function luxon(value: string): number | 'invalid' {
  const instant = DateTime.fromISO(value, { setZone: true });
  return instant.isValid ? instant.toMillis() : 'invalid';
}

function ours(value: string): number | 'invalid' {
  try {
    return parseInstant(value, 'value');
  } catch (error) {
    expect(error).toBeInstanceOf(TypeError);
    return 'invalid';
  }
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

describe('parseInstant', () => {
  it('reads the timestamps sources write as Luxon reads them', () => {
    for (const value of [
      '2026-03-01T08:00:00Z',
      '2026-03-01T08:00:00z',
      '2026-03-01t08:00:00Z',
      '2026-03-01T08:00Z',
      '2026-03-01T08:00:00.1Z',
      '2026-03-01T08:00:00.123Z',
      '2026-03-01T08:00:00.123456789+02:00',
      '2026-03-01T08:00:00.9999999999999999999Z',
      '2026-03-01T08:00:00,5Z',
      '2026-03-01T08:00:00+05:30',
      '2026-03-01T01:00:00-05:00',
      '2026-03-01T01:00:00-00:30',
      '2026-03-01T01:00:00+0200',
      '2026-03-01T01:00:00+02',
      '2024-02-29T12:00:00Z',
      '2026-12-31T23:59:59.999-12:00',
      '1999-12-31T23:59:59+14:00',
      '0099-01-01T00:00:00Z',
      '2026-03-01T08:00:00+24:00',
      '20260301T080000Z',
      '2026-03-01',
      '2026-W10-1T10:00:00Z',
    ]) {
      expect([value, ours(value)]).toEqual([value, luxon(value)]);
    }
  });

  it('reads every fraction of up to three digits as Luxon does', () => {
    for (const length of [1, 2, 3]) {
      for (let n = 0; n < 10 ** length; n++) {
        const value = `2026-03-01T08:00:00.${pad(n, length)}-03:00`;
        expect([value, ours(value)]).toEqual([value, luxon(value)]);
      }
    }
  });

  it('refuses what Luxon refuses, with a TypeError naming the value', () => {
    for (const value of [
      '2025-02-29T12:00:00Z',
      '2026-04-31T12:00:00Z',
      '2026-13-01T12:00:00Z',
      '2026-00-01T12:00:00Z',
      '2026-03-01T24:00:00Z',
      '2026-03-01T23:60:00Z',
      '2026-03-01T23:59:60Z',
      '2026-03-01T23:59:59+01:60',
      'yesterday',
      '',
    ]) {
      expect([value, ours(value)]).toEqual([value, luxon(value)]);
    }
    expect(() => parseInstant('2026-02-30T00:00:00Z', 'mergedAt')).toThrow(
      'mergedAt is not an ISO 8601 timestamp: "2026-02-30T00:00:00Z"',
    );
  });

  it('agrees with Luxon on random timestamps, valid or not', () => {
    const random = new SeededRandom(7);
    for (let i = 0; i < 20_000; i++) {
      const fraction = random.chance(0.5)
        ? ''
        : `.${pad(random.int(0, 999_999), random.int(1, 6))}`;
      const offset = random.pick([
        'Z',
        `+${pad(random.int(0, 25))}:${pad(random.int(0, 61))}`,
        `-${pad(random.int(0, 25))}:${pad(random.int(0, 61))}`,
      ]);
      const value = `${pad(random.int(1900, 2100), 4)}-${pad(
        random.int(0, 13),
      )}-${pad(random.int(0, 32))}T${pad(random.int(0, 24))}:${pad(
        random.int(0, 60),
      )}:${pad(random.int(0, 60))}${fraction}${offset}`;
      expect([value, ours(value)]).toEqual([value, luxon(value)]);
    }
  });
});
