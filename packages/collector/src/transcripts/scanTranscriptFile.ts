import { closeSync, openSync, readSync } from 'node:fs';
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

/*
 * Reading is most of the work, so the buffer layout serves the kernel's copy: the buffer starts on
 * a memory page and every byte sits at the same offset within its page as in the file (buffer
 * index = file offset - bufferOffset, bufferOffset a multiple of PAGE). A copy whose destination
 * is a few bytes ahead of its source modulo 4 KB runs several times slower on some CPUs (4K
 * aliasing); a page-aligned copy never does.
 */
const PAGE = 4096;
const READ_BYTES = 256 * 1024;
const KEPT_BUFFER_BYTES = 4 * READ_BYTES;
const WASM_PAGE = 65536;

/** A buffer that starts on a memory page (the memory of WebAssembly is page-aligned). */
function allocatePageAligned(bytes: number): Buffer {
  const pages = Math.ceil(bytes / WASM_PAGE);
  try {
    return Buffer.from(
      new WebAssembly.Memory({ initial: pages, maximum: pages }).buffer,
    );
  } catch {
    // No WebAssembly (node --jitless): same layout, maybe slower copies.
    return Buffer.allocUnsafe(pages * WASM_PAGE);
  }
}

// Shared by all scans, which are synchronous. It grows to hold the longest line still being
// read, and is replaced by a small one after a scan that made it large.
let buffer = allocatePageAligned(KEPT_BUFFER_BYTES);

const startsWithSkippedPrefix = (bytes: Buffer, start: number, end: number) =>
  end - start >= SKIPPED_PREFIX.length &&
  bytes.compare(
    SKIPPED_PREFIX,
    0,
    SKIPPED_PREFIX.length,
    start,
    start + SKIPPED_PREFIX.length,
  ) === 0;

/**
 * Scans a transcript file from `options.start` and calls `onUsage` for every usage line, in file
 * order. Lines that cannot hold usage are skipped without being decoded: request bodies by their
 * first bytes (without keeping them in memory), other lines without an unescaped
 * `"input_tokens"` key. The file is read in 256 KB blocks into one reused buffer; only a line
 * that spans two blocks is kept while the next is read.
 *
 * @public
 */
export function scanTranscriptFileSync(
  path: string,
  options: TranscriptScanOptions,
  onUsage: (usage: TranscriptUsage) => void,
): TranscriptScanResult {
  const start = options.start ?? 0;
  const sessionId = basename(path, '.jsonl');
  const result: TranscriptScanResult = {
    endOffset: start,
    lines: 0,
    malformedLines: 0,
  };

  const handleLine = (
    bytes: Buffer,
    lineStart: number,
    lineEnd: number,
    complete: boolean,
  ) => {
    if (startsWithSkippedPrefix(bytes, lineStart, lineEnd)) {
      return;
    }
    const line = bytes.subarray(lineStart, lineEnd);
    if (line.indexOf(USAGE_NEEDLE) === -1) {
      return;
    }
    const parsed = parseTranscriptLine(line.toString(), sessionId);
    if (parsed.kind === 'usage') {
      onUsage(parsed.usage);
    } else if (parsed.kind === 'malformed' && complete) {
      result.malformedLines += 1;
    }
  };

  const fd = openSync(path, 'r');
  try {
    // File offset of buffer index 0, a multiple of PAGE.
    let bufferOffset = start - (start % PAGE);
    // buffer[head, end) holds the start of an unfinished line (or nothing).
    let head = start - bufferOffset;
    let end = head;
    // Inside a skipped line, whose bytes are not kept.
    let skipping = false;
    for (;;) {
      if (end + READ_BYTES > buffer.length) {
        // Move the kept bytes to the first page, keeping their offset within the page.
        const shift = head - (head % PAGE);
        const needed = end - shift + READ_BYTES;
        const target =
          needed > buffer.length ? allocatePageAligned(2 * needed) : buffer;
        buffer.copy(target, head - shift, head, end);
        buffer = target;
        bufferOffset += shift;
        head -= shift;
        end -= shift;
      }
      const read = readSync(fd, buffer, end, READ_BYTES, bufferOffset + end);
      if (read === 0) {
        break;
      }
      const bytes = buffer.subarray(0, end + read);
      // The kept bytes hold no newline.
      let newline = bytes.indexOf(NEWLINE, end);
      let lineStart = head;
      end += read;
      while (newline !== -1) {
        if (skipping) {
          skipping = false;
        } else if (newline > lineStart) {
          handleLine(bytes, lineStart, newline, true);
        }
        result.lines += 1;
        lineStart = newline + 1;
        result.endOffset = bufferOffset + lineStart;
        newline = bytes.indexOf(NEWLINE, lineStart);
      }
      if (!skipping && startsWithSkippedPrefix(bytes, lineStart, end)) {
        skipping = true;
      }
      head = skipping ? end : lineStart;
    }
    if (options.includeUnterminatedLine && end > head) {
      handleLine(buffer, head, end, false);
    }
  } finally {
    closeSync(fd);
    if (buffer.length > KEPT_BUFFER_BYTES) {
      buffer = allocatePageAligned(KEPT_BUFFER_BYTES);
    }
  }
  return result;
}

/**
 * {@link scanTranscriptFileSync} behind a promise.
 *
 * @public
 */
export async function scanTranscriptFile(
  path: string,
  options: TranscriptScanOptions,
  onUsage: (usage: TranscriptUsage) => void,
): Promise<TranscriptScanResult> {
  return scanTranscriptFileSync(path, options, onUsage);
}
