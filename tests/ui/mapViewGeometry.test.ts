import { describe, expect, it } from 'vitest';
import { formatKl, formatParameters, formatSignificant, escapeXml } from '../../src/ui/mapView/format.ts';
import { nearestInDirection, nameOrder } from '../../src/ui/mapView/keyboardNavigation.ts';
import { alongCandidates, layoutLabels } from '../../src/ui/mapView/labelLayout.ts';
import { fitLayout, fittedPositions } from '../../src/ui/mapView/layoutFit.ts';
import type { MapPoint } from '../../src/ui/mapView/types.ts';

const at = (x: number, y: number): MapPoint => ({
  id: `${x},${y}`,
  name: `${x},${y}`,
  family: 'f',
  parameters: null,
  trainingData: null,
  meanLogLikelihoodNats: -1,
  primaryCategory: 'web',
  tsne: [x, y],
  pca: [y, x],
  scores: {},
});

describe('fitLayout', () => {
  it('fitLayout uses one scale for both axes, flips y, and centres the points inside the padding', () => {
    const points = [at(0, 0), at(10, 5)];
    const fit = fitLayout(points, 'tsne', 400, 300, 20);
    expect(fit.scale).toBeCloseTo(36, 10); // min(360 / 10, 260 / 5)
    const positions = fittedPositions(points, 'tsne', fit);
    expect(Array.from(positions)).toEqual([20, 240, 380, 60].map(Math.fround));
  });

  it('fitLayout of no points, or of one, does not divide by zero', () => {
    expect(fitLayout([], 'pca', 100, 100, 10)).toEqual({ scale: 1, offsetX: 50, offsetY: 50 });
    const single = fittedPositions([at(3, 4)], 'tsne', fitLayout([at(3, 4)], 'tsne', 100, 100, 10));
    expect(Array.from(single)).toEqual([50, 50]);
  });
});

describe('layoutLabels', () => {
  it('layoutLabels takes the first candidate that overlaps nothing and drops what fits nowhere unless mandatory', () => {
    const bounds = { left: 0, top: 0, right: 100, bottom: 100 };
    const request = (text: string, candidates: Array<[number, number]>, mandatory = false) => ({ lines: [text], kind: 'k', widthPx: 20, heightPx: 10, candidates, mandatory });
    const placed = layoutLabels(
      [request('a', [[50, 50]]), request('b', [[55, 50], [50, 70]]), request('c', [[50, 50]]), request('d', [[50, 50]], true)],
      [],
      bounds,
    );
    expect(placed.map((label) => [label.lines[0], label.y])).toEqual([['a', 45], ['b', 65], ['d', 45]]);
  });

  it('alongCandidates keeps a label box clear of its own line', () => {
    for (const [x2, y2] of [[100, 0], [0, 100], [70, 70], [-60, 20]]) {
      const [centreX, centreY] = alongCandidates(0, 0, x2, y2, 80, 14)[0];
      const length = Math.hypot(x2, y2);
      const normalDistance = Math.abs(centreX * -y2 + centreY * x2) / length;
      const support = (Math.abs(y2 / length) * 84 + Math.abs(x2 / length) * 14) / 2;
      expect(normalDistance).toBeGreaterThanOrEqual(support);
    }
  });
});

describe('keyboard navigation', () => {
  const positions = Float32Array.from([0, 0, 10, 1, 10, 30, -5, 0, 0, -20]);
  const identity = { k: 1, x: 0, y: 0 };
  it('nearestInDirection picks the closest point within the cone, preferring the line', () => {
    expect(nearestInDirection(positions, identity, 0, 'right')).toBe(1);
    expect(nearestInDirection(positions, identity, 0, 'left')).toBe(3);
    expect(nearestInDirection(positions, identity, 0, 'up')).toBe(4);
    expect(nearestInDirection(positions, identity, 0, 'down')).toBe(2);
    expect(nearestInDirection(positions, identity, 3, 'left')).toBeNull();
  });

  it('nameOrder sorts names naturally (model-2 before model-10)', () => {
    expect(Array.from(nameOrder(['model-10', 'Model-2', 'alpha']))).toEqual([2, 1, 0]);
  });
});

describe('format', () => {
  it('formatParameters, formatSignificant and formatKl say what a person reads', () => {
    expect(formatParameters(124e6)).toBe('124M');
    expect(formatParameters(7.24e9)).toBe('7.24B');
    expect(formatParameters(null)).toBe('unknown');
    expect(formatSignificant(-412.3)).toBe('\u2212412');
    expect(formatSignificant(0.012345)).toBe('0.0123');
    expect(formatKl(0.0412, 0.00198)).toBe('KL 0.0412 nats/text \u00b7 0.00198 bits/byte');
  });

  it('escapeXml escapes markup and replaces characters XML cannot hold', () => {
    expect(escapeXml('<img src=x onerror="a&b">')).toBe('&lt;img src=x onerror=&quot;a&amp;b&quot;&gt;');
    expect(escapeXml('a\u0001b\uD800c')).toBe('a\uFFFDb\uFFFDc');
  });
});
