import { createReadStream } from 'node:fs';
import { basename } from 'node:path';
import { parseTranscriptLine } from './parseTranscriptLine';
import type { TranscriptUsage } from './TranscriptUsage';

/**
 * Outcome of scanning a transcript file from an offset.
 *
 * @public
 */
export type TranscriptScanResult = {
  /** Byte offset just after the last complete (newline-terminated) line. */
  endOffset: number;
  /** Complete lines seen, including skipped ones. */
  lines: number;
  /** Lines that looked like usage but were not valid JSON. */
  malformedLines: number;
};

/**
 * Options of {@link scanTranscriptFile}.
 *
 * @public
 */
export type TranscriptScanOptions = {
  /** Byte offset to start at; must be the start of a line. Defaults to 0. */
  start?: number;
  /**
   * Also parse a last line that has no newline yet. It is reported when it is valid JSON but
   * `endOffset` never moves past it, so an incremental reader sees it again once it is complete.
   */
  includeUnterminatedLine?: boolean;
};

// Request bodies (`api-request-blob`, hundreds of KB) and their metadata never carry usage.
const SKIPPED_PREFIX = Buffer.from('{"type":"api-request');
// A key can only appear unescaped as a real key: inside a JSON string its quotes are escaped.
const USAGE_NEEDLE = Buffer.from('"input_tokens"');
const NEWLINE = 0x0a;
const CHUNK_BYTES = 1 << 20;

const startsWithSkippedPrefix = (piece: Buffer) =>
  piece.length >= SKIPPED_PREFIX.length &&
  piece.compare(
    SKIPPED_PREFIX,
    0,
    SKIPPED_PREFIX.length,
    0,
    SKIPPED_PREFIX.length,
  ) === 0;

/**
 * Streams a JSONL transcript from `start` and calls `onUsage` for every usage line. Lines are
 * handled as bytes: only those that can hold usage are decoded and parsed, so large request
 * bodies and tool results cost a byte search, not a `JSON.parse`. A line that is being written
 * (no newline yet) is left for the next scan.
 *
 * @public
 */
export async function scanTranscriptFile(
  path: string,
  options: TranscriptScanOptions,
  onUsage: (usage: TranscriptUsage) => void,
): Promise<TranscriptScanResult> {
  const start = options.start ?? 0;
  const sessionId = basename(path, '.jsonl');
  const result: TranscriptScanResult = {
    endOffset: start,
    lines: 0,
    malformedLines: 0,
  };

  const handleLine = (line: Buffer, complete: boolean) => {
    if (startsWithSkippedPrefix(line) || line.indexOf(USAGE_NEEDLE) === -1) {
      return;
    }
    const parsed = parseTranscriptLine(line.toString('utf8'), sessionId);
    if (parsed.kind === 'usage') {
      onUsage(parsed.usage);
    } else if (parsed.kind === 'malformed' && complete) {
      result.malformedLines += 1;
    }
  };

  // Pieces of a line that spans chunks; a line known to be skipped is not kept at all.
  let pending: Buffer[] = [];
  let pendingSkipped = false;
  let chunkStart = start;
  const stream = createReadStream(path, { start, highWaterMark: CHUNK_BYTES });
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    let lineStart = 0;
    let newline = chunk.indexOf(NEWLINE);
    while (newline !== -1) {
      if (pendingSkipped) {
        pendingSkipped = false;
      } else if (pending.length > 0) {
        pending.push(chunk.subarray(0, newline));
        handleLine(Buffer.concat(pending), true);
      } else if (newline > lineStart) {
        handleLine(chunk.subarray(lineStart, newline), true);
      }
      pending = [];
      result.lines += 1;
      lineStart = newline + 1;
      result.endOffset = chunkStart + lineStart;
      newline = chunk.indexOf(NEWLINE, lineStart);
    }
    if (lineStart < chunk.length && !pendingSkipped) {
      const rest = chunk.subarray(lineStart);
      if (pending.length === 0 && startsWithSkippedPrefix(rest)) {
        pendingSkipped = true;
      } else {
        pending.push(rest);
      }
    }
    chunkStart += chunk.length;
  }
  if (options.includeUnterminatedLine && pending.length > 0) {
    handleLine(Buffer.concat(pending), false);
  }
  return result;
}
