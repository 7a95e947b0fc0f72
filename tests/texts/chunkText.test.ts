import { describe, expect, it } from 'vitest';
import { seededRng } from '../../src/core/rng.ts';
import { chunkDocument, joinedDocument, paragraphDocument, splitLongText } from '../../scripts/texts/chunkText.ts';

const bytesOf = (text: string): number => Buffer.byteLength(text, 'utf8');

function randomParagraphs(seed: number, count: number): string {
  const rng = seededRng(seed);
  const words = ['whale', 'sea', 'Ishmael', 'naïve', 'façade', '漢字', 'emoji😀', 'über', 'λόγος', 'the', 'and', 'of'];
  const paragraphs: string[] = [];
  for (let p = 0; p < count; p++) {
    const length = 1 + Math.floor(rng() * 250);
    const picked = Array.from({ length }, () => words[Math.floor(rng() * words.length)]);
    paragraphs.push(picked.join(rng() < 0.1 ? '\n' : ' ') + '.');
  }
  return paragraphs.join(rng() < 0.5 ? '\n\n' : '\n \n\n');
}

describe('chunkDocument', () => {
  it('chunkDocument(paragraphDocument(text)) gives exact substrings of 256–1,024 bytes', () => {
    const text = randomParagraphs(7, 300);
    const chunks = chunkDocument(paragraphDocument('random', text));
    expect(chunks.length).toBeGreaterThan(50);
    for (const chunk of chunks) {
      expect(bytesOf(chunk)).toBeGreaterThanOrEqual(256);
      expect(bytesOf(chunk)).toBeLessThanOrEqual(1024);
      expect(chunk.includes('\uFFFD')).toBe(false);
      expect(text.includes(chunk)).toBe(true);
    }
  });

  it('chunkDocument(joinedDocument(parts)) packs whole parts joined by the separator', () => {
    const parts = Array.from({ length: 40 }, (_, k) => `record ${k} `.repeat(10 + (k % 7)).trimEnd());
    const chunks = chunkDocument(joinedDocument('records', parts, '\n\n'));
    for (const chunk of chunks) for (const piece of chunk.split('\n\n')) expect(parts).toContain(piece);
  });
});

describe('splitLongText', () => {
  it('splitLongText never cuts inside a multi-byte character', () => {
    const text = 'é漢😀'.repeat(400);
    const pieces = splitLongText(text, 1024);
    for (const piece of pieces) expect(bytesOf(piece)).toBeLessThanOrEqual(1024);
    expect(pieces.join('')).toBe(text);
  });

  it('splitLongText cuts a long line at a sentence end in the second half of the window', () => {
    const sentence = 'We have continued reason to express our profound gratitude for numberless benefits. ';
    const pieces = splitLongText(sentence.repeat(40).trimEnd(), 1024);
    for (const piece of pieces) expect(piece.endsWith('benefits.')).toBe(true);
    for (const piece of pieces.slice(0, -1)) expect(bytesOf(piece)).toBeGreaterThan(512);
    expect(pieces.join(' ')).toBe(sentence.repeat(40).trimEnd());
  });
});
