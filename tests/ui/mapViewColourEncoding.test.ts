import { describe, expect, it } from 'vitest';
import { colourEncoding, MISSING_COLOUR } from '../../src/ui/mapView/colourEncoding.ts';
import { colourOrder } from '../../src/ui/mapView/colourOrder.ts';
import type { MapPoint } from '../../src/ui/mapView/types.ts';

function point(i: number, family: string, parameters: number | null, scores: Record<string, number> = {}): MapPoint {
  return {
    id: `m${i}`,
    name: `model ${i}`,
    family,
    parameters,
    trainingData: null,
    meanLogLikelihoodNats: -100 - i,
    primaryCategory: 'web',
    tsne: [i, 0],
    pca: [0, i],
    scores,
  };
}

describe('colourEncoding', () => {
  it("colourEncoding(points, { kind: 'family' }) gives one bucket per family, most common first, with counts", () => {
    const points = [point(0, 'b', 1e6), point(1, 'a', 1e6), point(2, 'a', 1e6), point(3, 'c', 1e6)];
    const encoding = colourEncoding(points, { kind: 'family' });
    expect(encoding.legend.kind).toBe('categorical');
    if (encoding.legend.kind !== 'categorical') return;
    expect(encoding.legend.entries.map((entry) => [entry.label, entry.count])).toEqual([['a', 2], ['b', 1], ['c', 1]]);
    expect(Array.from(encoding.bucketOf)).toEqual([2, 1, 1, 3]);
    expect(encoding.palette[encoding.bucketOf[1]]).toBe(encoding.legend.entries[0].colour);
  });

  it('more than 10 families: the 9 largest keep a colour, the rest share grey as "N others"', () => {
    const points = Array.from({ length: 30 }, (_, i) => point(i, `family ${i < 10 ? 0 : i}`, null));
    const encoding = colourEncoding(points, { kind: 'family' });
    if (encoding.legend.kind !== 'categorical') throw new Error('expected categorical');
    expect(encoding.legend.entries).toHaveLength(10);
    expect(encoding.legend.entries[0]).toMatchObject({ label: 'family 0', count: 10 });
    expect(encoding.legend.entries[9]).toEqual({ label: '12 others', colour: MISSING_COLOUR, count: 12 });
    expect(encoding.legend.entries.reduce((sum, entry) => sum + entry.count, 0)).toBe(30);
  });

  it("colourEncoding(points, { kind: 'parameters' }) is a log ramp; missing and non-positive sizes are 'no value'", () => {
    const points = [point(0, 'a', 1e6), point(1, 'a', 1e9), point(2, 'a', null), point(3, 'a', 0), point(4, 'a', 1e7)];
    const encoding = colourEncoding(points, { kind: 'parameters' });
    if (encoding.legend.kind !== 'sequential') throw new Error('expected sequential');
    expect(encoding.legend.title).toBe('Parameters (log scale)');
    expect(encoding.legend.rangeText).toBe('range 1M to 1B');
    expect(encoding.legend.missing).toEqual({ label: 'no value', colour: MISSING_COLOUR, count: 2 });
    const ramp = encoding.legend.ramp.length;
    expect(Array.from(encoding.bucketOf)).toEqual([1, ramp, 0, 0, 1 + Math.round((ramp - 1) / 3)]);
    expect(encoding.valueText(1)).toBe('1B');
    expect(encoding.valueText(2)).toBeNull();
  });

  it("colourEncoding(points, { kind: 'score', name }) uses that score, and survives all-equal or absent values", () => {
    const equal = colourEncoding([point(0, 'a', null, { mmlu: 0.5 }), point(1, 'a', null, { mmlu: 0.5 })], { kind: 'score', name: 'mmlu' });
    expect(Array.from(equal.bucketOf)).toEqual([1, 1]);
    const absent = colourEncoding([point(0, 'a', null)], { kind: 'score', name: 'mmlu' });
    if (absent.legend.kind !== 'sequential') throw new Error('expected sequential');
    expect(absent.legend.rangeText).toBe('no model has a value');
    expect(Array.from(absent.bucketOf)).toEqual([0]);
  });
});

describe('colourOrder', () => {
  it('colourOrder(palette, bucketOf) groups every index by bucket, in index order within a bucket', () => {
    const order = colourOrder(['grey', 'red', 'blue'], Uint16Array.from([2, 0, 1, 2, 1]));
    expect(Array.from(order.bucketStarts)).toEqual([0, 1, 3, 5]);
    expect(Array.from(order.order)).toEqual([1, 2, 4, 0, 3]);
  });
});
