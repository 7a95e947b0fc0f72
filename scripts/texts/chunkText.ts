/**
 * Cutting source documents into map texts of 256–1024 UTF-8 bytes.
 *
 * A document is its text plus the units (paragraphs, fortune records, verses, dictionary entries) it may be cut
 * between. Consecutive units are packed greedily while the chunk stays within `maxBytes`; a chunk is then the exact
 * substring of the document from its first unit's start to its last unit's end (what lies between units is kept as
 * is). A unit longer than `maxBytes` becomes chunks of its own, cut at the last line break in the second half of the
 * window, else the last sentence end there, else the last space, else the last UTF-8 character boundary — never
 * inside a multi-byte character. Chunks under `minBytes` are dropped (the paper kept chunks over 256 bytes of
 * 1,024-byte cuts).
 */
import { LlmapError } from '../../src/core/errors.ts';

/** A span [start, end) of a document's text in UTF-16 code units. */
export interface TextSpan {
  readonly start: number;
  readonly end: number;
}

/** One source document: where it came from, its text and the units it may be cut between. */
export interface SourceDocument {
  readonly id: string;
  readonly text: string;
  readonly units: readonly TextSpan[];
}

export interface ChunkLimits {
  readonly minBytes: number;
  readonly maxBytes: number;
}

/** The paper's limits: UTF-8-safe cuts of at most 1,024 bytes, shorter pieces under 256 bytes dropped. */
export const PAPER_CHUNK_LIMITS: ChunkLimits = { minBytes: 256, maxBytes: 1024 };

const utf8 = new TextEncoder();
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

export function utf8ByteLength(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

/** Decodes bytes that must be UTF-8; throws rather than inserting U+FFFD. */
export function decodeUtf8(bytes: Uint8Array, source: string): string {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    throw new LlmapError('unreadable-file', `${source} is not valid UTF-8; pick another source or skip it explicitly.`);
  }
}

/** A document whose units are its paragraphs: runs of non-blank lines, trailing whitespace not included. */
export function paragraphDocument(id: string, text: string): SourceDocument {
  const units: TextSpan[] = [];
  let unitStart = -1;
  let unitEnd = -1;
  let lineStart = 0;
  while (lineStart <= text.length) {
    const newline = text.indexOf('\n', lineStart);
    const lineEnd = newline === -1 ? text.length : newline;
    const line = text.slice(lineStart, lineEnd);
    if (line.trim() === '') {
      if (unitStart !== -1) units.push({ start: unitStart, end: unitEnd });
      unitStart = -1;
    } else {
      if (unitStart === -1) unitStart = lineStart;
      unitEnd = lineStart + line.trimEnd().length;
    }
    if (newline === -1) break;
    lineStart = newline + 1;
  }
  if (unitStart !== -1) units.push({ start: unitStart, end: unitEnd });
  return { id, text, units };
}

/** A document made of the given parts joined by `separator`; each non-empty part (trailing space trimmed) is a unit. */
export function joinedDocument(id: string, parts: readonly string[], separator: string): SourceDocument {
  const kept = parts.map((part) => part.replace(/^(?:[ \t\r]*\n)+/, '').trimEnd()).filter((part) => part !== '');
  const units: TextSpan[] = [];
  let offset = 0;
  for (const part of kept) {
    units.push({ start: offset, end: offset + part.length });
    offset += part.length + separator.length;
  }
  return { id, text: kept.join(separator), units };
}

function isAsciiSpace(byte: number): boolean {
  return byte === 0x20 || byte === 0x09 || byte === 0x0a || byte === 0x0d;
}

const SENTENCE_END = /[.!?]["')\]]?(?=[ \t\n])/g;

/** Where to cut bytes longer than maxBytes: the piece is [0, end), the rest starts at next. */
function cutPosition(bytes: Uint8Array, maxBytes: number): { end: number; next: number } {
  const head = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.length, maxBytes + 1)).toString('latin1');
  const half = maxBytes >> 1;
  const newline = head.lastIndexOf('\n', maxBytes);
  if (newline >= half) {
    let next = newline;
    while (next < bytes.length && (bytes[next] === 0x0a || bytes[next] === 0x0d)) next++;
    return { end: newline, next };
  }
  let sentenceEnd = -1;
  for (const match of head.matchAll(SENTENCE_END)) {
    const end = match.index + match[0].length;
    if (end <= maxBytes) sentenceEnd = end;
  }
  const space = Math.max(head.lastIndexOf(' ', maxBytes), head.lastIndexOf('\t', maxBytes));
  const end = sentenceEnd >= half ? sentenceEnd : space > 0 ? space : -1;
  if (end > 0) {
    let next = end;
    while (next < bytes.length && isAsciiSpace(bytes[next])) next++;
    return { end, next };
  }
  let boundary = maxBytes;
  while (boundary > 0 && (bytes[boundary] & 0xc0) === 0x80) boundary--;
  return { end: boundary, next: boundary };
}

/** Cuts one over-long text into pieces of at most maxBytes, each ending on a UTF-8 character boundary. */
export function splitLongText(text: string, maxBytes: number): string[] {
  const pieces: string[] = [];
  let rest = utf8.encode(text);
  while (rest.length > maxBytes) {
    const { end, next } = cutPosition(rest, maxBytes);
    let trimmedEnd = end;
    while (trimmedEnd > 0 && isAsciiSpace(rest[trimmedEnd - 1])) trimmedEnd--;
    pieces.push(decodeUtf8(rest.subarray(0, trimmedEnd), 'a cut piece'));
    rest = rest.subarray(next);
  }
  if (rest.length > 0) pieces.push(decodeUtf8(rest, 'a cut piece'));
  return pieces;
}

/** The chunks of one document, in document order, each within the limits. */
export function chunkDocument(document: SourceDocument, limits: ChunkLimits = PAPER_CHUNK_LIMITS): string[] {
  const { text, units } = document;
  const chunks: string[] = [];
  const keep = (chunk: string, bytes: number): void => {
    if (bytes >= limits.minBytes && bytes <= limits.maxBytes) chunks.push(chunk);
  };
  let first = -1;
  let packedBytes = 0;
  const flush = (last: number): void => {
    if (first !== -1) keep(text.slice(units[first].start, units[last].end), packedBytes);
    first = -1;
    packedBytes = 0;
  };
  for (let u = 0; u < units.length; u++) {
    const unitText = text.slice(units[u].start, units[u].end);
    const unitBytes = utf8ByteLength(unitText);
    if (unitBytes > limits.maxBytes) {
      flush(u - 1);
      for (const piece of splitLongText(unitText, limits.maxBytes)) keep(piece, utf8ByteLength(piece));
      continue;
    }
    if (first !== -1) {
      const gapBytes = utf8ByteLength(text.slice(units[u - 1].end, units[u].start));
      if (packedBytes + gapBytes + unitBytes <= limits.maxBytes) {
        packedBytes += gapBytes + unitBytes;
        continue;
      }
      flush(u - 1);
    }
    first = u;
    packedBytes = unitBytes;
  }
  flush(units.length - 1);
  return chunks;
}
