import { describe, expect, it } from 'vitest';
import { decodeShareHash, encodeShareHash, MAX_SHARED_PLACEMENTS, type ShareBounds, type SharedPlacement } from '../../src/ui/shareLink.ts';

const bounds: ShareBounds = { mapId: 'test-map', referenceCount: 12, textCount: 48, tsneExtent: [-10, 10, -5, 5], pcaExtent: [-100, 100, -50, 50] };
const placement: SharedPlacement = {
  label: 'my model <b>v2</b> ✓',
  tsne: { x: 1.25, y: -2.5, ellipse: { centreX: 1.25, centreY: -2.5, semiMajor: 0.5, semiMinor: 0.25, angleRadians: 0.3 } },
  pca: { x: 12.5, y: 3, ellipse: null },
  nearest: [
    { index: 3, klNatsPerText: 1.5, klStandardDeviationNatsPerText: 0.1 },
    { index: 7, klNatsPerText: 2.25, klStandardDeviationNatsPerText: Number.NaN },
  ],
  provisional: true,
  offMap: false,
  textsScored: 20,
  textCount: 48,
};

/** A hash holding `packed` as its placements, the way encodeShareHash writes them. */
function hashOf(packed: unknown, mapId = 'test-map'): string {
  const json = JSON.stringify(packed);
  const base64 = Buffer.from(json, 'utf8').toString('base64url');
  return `#map=${mapId}&placed=${base64}`;
}

describe('share links', () => {
  it('decodeShareHash(encodeShareHash(placements)) gives the placements back', () => {
    const decoded = decodeShareHash(encodeShareHash('test-map', [placement, { ...placement, label: 'second', provisional: false, offMap: true }]), bounds);
    expect(decoded.problems).toEqual([]);
    expect(decoded.placements.length).toBe(2);
    expect(decoded.placements[0]).toEqual(placement);
    expect(decoded.placements[1]).toMatchObject({ label: 'second', provisional: false, offMap: true });
  });

  it('decodeShareHash of an empty hash or one without placements is empty, with no problems', () => {
    expect(decodeShareHash('', bounds)).toEqual({ placements: [], problems: [] });
    expect(decodeShareHash('#section-2', bounds)).toEqual({ placements: [], problems: [] });
  });

  it('decodeShareHash refuses a link made on another map', () => {
    const decoded = decodeShareHash(encodeShareHash('other-map', [placement]), bounds);
    expect(decoded.placements).toEqual([]);
    expect(decoded.problems[0]).toContain('"other-map"');
  });

  it('decodeShareHash drops damaged data, wrong formats and malformed entries with a sentence each', () => {
    expect(decodeShareHash('#map=test-map&placed=!!!', bounds).problems[0]).toContain('damaged');
    expect(decodeShareHash(hashOf([2, []]), bounds).problems[0]).toContain('format');
    const good = ['ok', [0, 0], [0, 0], [[1, 0.5, null]], 0, 48, 48];
    const badIndex = ['bad', [0, 0], [0, 0], [[12, 0.5, null]], 0, 48, 48];
    const badNumber = ['bad', ['1', 0], [0, 0], [], 0, 48, 48];
    const wrongTextCount = ['bad', [0, 0], [0, 0], [], 0, 10, 1320];
    const decoded = decodeShareHash(hashOf([1, [good, badIndex, badNumber, wrongTextCount, 'x']]), bounds);
    expect(decoded.placements.map((p) => p.label)).toEqual(['ok']);
    expect(decoded.problems.length).toBe(4);
  });

  it('decodeShareHash clamps positions, KLs and ellipses, cleans labels, and caps the count', () => {
    const far = ['\u0000evil\nlabel' + 'x'.repeat(500), [1e300, -1e300, 1e9, 2e9, 99], [0, 0], [[0, -5, -1], [1, 1e99, 3]], 3, 9999, 48];
    const many = Array.from({ length: MAX_SHARED_PLACEMENTS + 3 }, () => far);
    const decoded = decodeShareHash(hashOf([1, many]), bounds);
    expect(decoded.placements.length).toBe(MAX_SHARED_PLACEMENTS);
    expect(decoded.problems.length).toBe(1);
    const [first] = decoded.placements;
    expect(first.label.startsWith('evil label')).toBe(true);
    expect(first.label.length).toBe(120);
    expect([first.tsne.x, first.tsne.y]).toEqual([30, -15]);
    expect(first.tsne.ellipse!.semiMajor).toBe(60);
    expect(first.tsne.ellipse!.semiMinor).toBe(60);
    expect(first.tsne.ellipse!.angleRadians).toBeCloseTo(2 * Math.PI);
    expect(first.nearest.map((near) => near.klNatsPerText)).toEqual([0, 1e6]);
    expect(first.nearest[0].klStandardDeviationNatsPerText).toBe(0);
    expect(first.textsScored).toBe(48);
    expect(first.provisional && first.offMap).toBe(true);
  });
});
