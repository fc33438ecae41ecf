import { OtlpAnyValue, OtlpKeyValue } from './types';

/**
 * Flattens OTLP attributes into strings, the one form both encodings agree on: int64 arrives as a
 * string from protobuf and as a number from most JSON exporters, and Claude Code itself sends some
 * numbers and booleans as strings (`"success": "true"`, `"duration_ms": "12"`). Later duplicates of a
 * key win, as in the OTLP data model.
 */
export function readAttributes(
  attributes: OtlpKeyValue[] | undefined,
): Record<string, string> {
  const result: Record<string, string> = {};
  for (const attribute of attributes ?? []) {
    const value = anyValueToString(attribute?.value);
    if (typeof attribute?.key === 'string' && value !== undefined) {
      result[attribute.key] = value;
    }
  }
  return result;
}

/** The string form of an OTLP value; arrays and key-value lists as JSON. */
export function anyValueToString(
  value: OtlpAnyValue | undefined,
): string | undefined {
  const plain = anyValueToPlain(value);
  if (plain === undefined) {
    return undefined;
  }
  return typeof plain === 'string' ? plain : JSON.stringify(plain);
}

type Plain = string | number | boolean | Plain[] | { [key: string]: Plain };

function anyValueToPlain(value: OtlpAnyValue | undefined): Plain | undefined {
  if (typeof value !== 'object' || value === null) {
    return undefined;
  }
  if (typeof value.stringValue === 'string') {
    return value.stringValue;
  }
  if (typeof value.boolValue === 'boolean') {
    return String(value.boolValue);
  }
  if (
    typeof value.intValue === 'string' ||
    typeof value.intValue === 'number'
  ) {
    return String(value.intValue);
  }
  if (
    typeof value.doubleValue === 'string' ||
    typeof value.doubleValue === 'number'
  ) {
    return String(value.doubleValue);
  }
  if (typeof value.bytesValue === 'string') {
    return value.bytesValue;
  }
  if (value.arrayValue) {
    return (value.arrayValue.values ?? []).flatMap(
      item => anyValueToPlain(item) ?? [],
    );
  }
  if (value.kvlistValue) {
    const entries: Record<string, Plain> = {};
    for (const entry of value.kvlistValue.values ?? []) {
      const plain = anyValueToPlain(entry?.value);
      if (typeof entry?.key === 'string' && plain !== undefined) {
        entries[entry.key] = plain;
      }
    }
    return entries;
  }
  return undefined;
}

/** A finite number from a number or a numeric string; undefined for anything else. */
export function parseNumber(
  value: string | number | undefined,
): number | undefined {
  if (typeof value === 'string' && value.trim() === '') {
    return undefined;
  }
  const number = typeof value === 'number' ? value : Number(value);
  return Number.isFinite(number) ? number : undefined;
}

/** `true` / `false` (any case) or `1` / `0`; undefined for anything else. */
export function parseBoolean(value: string | undefined): boolean | undefined {
  switch (value?.trim().toLocaleLowerCase('en-US')) {
    case 'true':
    case '1':
      return true;
    case 'false':
    case '0':
      return false;
    default:
      return undefined;
  }
}

/**
 * A `fixed64` nanosecond timestamp as a decimal string; undefined when absent, zero (OTLP's
 * "unset") or not an unsigned integer.
 */
export function parseUnixNano(
  value: string | number | undefined,
): string | undefined {
  let nanos: bigint | undefined;
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0) {
    // JSON.parse has already rounded a number this large to a multiple of 256 ns; rounding to
    // the microsecond gives back the value a millisecond or microsecond clock sent.
    nanos = Number.isSafeInteger(value)
      ? BigInt(value)
      : ((BigInt(value) + 500n) / 1000n) * 1000n;
  } else if (typeof value === 'string' && /^\d+$/.test(value.trim())) {
    nanos = BigInt(value.trim());
  }
  return nanos ? nanos.toString() : undefined;
}

/** A nanosecond timestamp (see {@link parseUnixNano}) as an ISO 8601 string, to the millisecond. */
export function unixNanoToIso(unixNano: string): string | undefined {
  const date = new Date(Number(BigInt(unixNano) / 1_000_000n));
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}
