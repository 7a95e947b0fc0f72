/**
 * The committed text set of the default map (public/maps/default/texts.jsonl, built by `npm run build:texts`).
 * Reads the committed files only: no builder run, no network, no Debian packages.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseTextLines } from '../../src/scoring/textSet.ts';

const folder = new URL('../../public/maps/default/', import.meta.url);
const jsonlBytes = readFileSync(new URL('texts.jsonl', folder));
const readme = readFileSync(new URL('TEXTS.md', folder), 'utf8');
const content = new TextDecoder('utf-8', { fatal: true }).decode(jsonlBytes);
const lines = content.split('\n').slice(0, -1);
const rows = lines.map((line) => JSON.parse(line) as { index: number; text: string; category: string });

function countsByCategory(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const { category } of rows) counts.set(category, (counts.get(category) ?? 0) + 1);
  return counts;
}

describe('public/maps/default/texts.jsonl', () => {
  it('parseTextLines accepts it', () => {
    const texts = parseTextLines(content, 'public/maps/default/texts.jsonl');
    expect(texts.length).toBe(rows.length);
    expect(texts.map(({ category }) => category)).toEqual(rows.map(({ category }) => category));
  });

  it('is strict UTF-8 ending in a newline, one {"index","text","category"} per line', () => {
    expect(content.endsWith('\n')).toBe(true);
    for (const line of lines) expect(Object.keys(JSON.parse(line) as object)).toEqual(['index', 'text', 'category']);
  });

  it('has indices 0..N−1, unique, in line order', () => {
    expect(rows.map(({ index }) => index)).toEqual(rows.map((_, position) => position));
  });

  it('holds 1,200–1,500 texts of 256–1,024 UTF-8 bytes without U+FFFD', () => {
    expect(rows.length).toBeGreaterThanOrEqual(1200);
    expect(rows.length).toBeLessThanOrEqual(1500);
    for (const { index, text } of rows) {
      const bytes = Buffer.byteLength(text, 'utf8');
      expect(bytes, `text ${index}`).toBeGreaterThanOrEqual(256);
      expect(bytes, `text ${index}`).toBeLessThanOrEqual(1024);
      expect(text.includes('\uFFFD'), `text ${index}`).toBe(false);
    }
  });

  it('has at least 10 categories of at least 80 texts each, and no Pile text', () => {
    const counts = countsByCategory();
    expect(counts.size).toBeGreaterThanOrEqual(10);
    for (const [category, count] of counts) expect(count, category).toBeGreaterThanOrEqual(80);
    expect(counts.has('pile-sample')).toBe(false);
  });

  it('interleaves the categories (a seeded shuffle, not grouped by domain)', () => {
    const changes = rows.filter((row, position) => position > 0 && row.category !== rows[position - 1].category).length;
    expect(changes).toBeGreaterThan(rows.length * 0.8);
  });
});

describe('public/maps/default/TEXTS.md', () => {
  it('lists every category with its count', () => {
    for (const [category, count] of countsByCategory()) expect(readme).toContain(`| \`${category}\` | ${count} |`);
  });

  it('records the size and sha256 of texts.jsonl', () => {
    expect(readme).toContain(`\`texts.jsonl\`: ${jsonlBytes.length.toLocaleString('en-US')} bytes, sha256 \`${createHash('sha256').update(jsonlBytes).digest('hex')}\``);
  });
});
