import { LlmapError } from '../core/errors.ts';

/** One text of a map's text set: `{"index","text","category"}` per JSONL line. */
export interface MapText {
  readonly index: number;
  readonly text: string;
  readonly category: string;
}

/** Parses a texts.jsonl; indices must be whole, distinct numbers and every text a string. */
export function parseTextLines(content: string, source = 'texts.jsonl'): MapText[] {
  const texts: MapText[] = [];
  const seen = new Set<number>();
  content.split('\n').forEach((line, k) => {
    if (line.trim() === '') return;
    let value: Record<string, unknown>;
    try {
      value = JSON.parse(line) as Record<string, unknown>;
    } catch {
      throw new LlmapError('unreadable-file', `Line ${k + 1} of ${source} is not JSON; each line must be {"index","text","category"}.`, { line: k + 1 });
    }
    const { index, text } = value;
    const category = value.category ?? value.pile_set_name ?? 'uncategorised';
    if (!Number.isInteger(index) || typeof text !== 'string' || typeof category !== 'string') {
      throw new LlmapError('unreadable-file', `Line ${k + 1} of ${source} needs a whole "index", a string "text" and a string "category".`, { line: k + 1 });
    }
    if (seen.has(index as number)) throw new LlmapError('unreadable-file', `Index ${index} appears twice in ${source} (line ${k + 1}).`);
    seen.add(index as number);
    texts.push({ index: index as number, text, category });
  });
  if (texts.length === 0) throw new LlmapError('too-few-texts', `${source} holds no texts.`);
  return texts;
}

/** The texts of shard i of n: every n-th text from position i, so shards are alike in length mix. */
export function shardOf<T>(items: readonly T[], shard: { readonly index: number; readonly count: number }): T[] {
  const { index, count } = shard;
  if (!Number.isInteger(count) || count < 1 || !Number.isInteger(index) || index < 0 || index >= count) {
    throw new LlmapError('invalid-argument', `A shard is i/n with 0 ≤ i < n; got ${index}/${count}.`);
  }
  return items.filter((_, position) => position % count === index);
}
