import { describe, expect, it } from 'vitest';
import { matchItems } from '../../src/ui/modelSearch.ts';

describe('matchItems', () => {
  const items = [
    { index: 0, name: 'ml5 charRNN: Shakespeare', detail: 'ml5 charRNN' },
    { index: 1, name: 'textgenrnn: Hacker News', detail: 'textgenrnn' },
    { index: 2, name: 'Shakespeare bigram', detail: 'byte bigram' },
  ];

  it('matchItems(items, query) matches every word case-insensitively, names starting with the query first', () => {
    expect(matchItems(items, 'shakespeare', 10).map((item) => item.index)).toEqual([2, 0]);
    expect(matchItems(items, 'RNN hacker', 10).map((item) => item.index)).toEqual([1]);
    expect(matchItems(items, '   ', 10)).toEqual([]);
    expect(matchItems(items, 'rnn', 1).length).toBe(1);
  });
});
