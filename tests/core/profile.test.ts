import { describe, expect, it } from 'vitest';
import { assignBlocks, bootstrapCounts, confidenceEllipse } from '../../src/core/bootstrap.ts';
import { domainProfile } from '../../src/core/profile.ts';
import { normalDraw, seededRng } from '../../src/core/rng.ts';
import { fullSample, uniformSample } from '../../src/core/textSample.ts';
import { expectClose } from '../asserts.ts';

describe('domainProfile', () => {
  it('domainProfile averages q per category by hand and names the largest as primary', () => {
    const profile = domainProfile([1, 3, -2, -4, 5, 0], fullSample(6), [0, 0, 1, 1, 2, 3], 5);
    expectClose(Array.from(profile.meanQNatsByCategory).slice(0, 4), [2, -3, 5, 0]);
    expect(Number.isNaN(profile.meanQNatsByCategory[4])).toBe(true);
    expect(Array.from(profile.textCountByCategory)).toEqual([2, 2, 1, 1, 0]);
    expect(profile.primaryCategory).toBe(2);
  });

  it('domainProfile weights texts by their squared weights', () => {
    const sample = { textCount: 3, textIndices: Int32Array.from([0, 1, 2]), squaredWeights: Float64Array.from([3, 1, 1]) };
    expectClose(domainProfile([4, 0, 1], sample, [0, 0, 1], 2).meanQNatsByCategory, [3, 1]);
  });

  it('domainProfile rejects a category outside the list', () => {
    expect(() => domainProfile([1, 2], uniformSample(2, [0, 1]), [0, 7], 2)).toThrow(/category 7, outside \[0, 2\)/);
  });
});

describe('bootstrap', () => {
  it('assignBlocks deals items evenly into blocks', () => {
    const blocks = assignBlocks(10, 3, seededRng(1));
    const sizes = [0, 1, 2].map((b) => blocks.filter((v) => v === b).length);
    expect(sizes.sort()).toEqual([3, 3, 4]);
  });

  it('bootstrapCounts draws as many blocks as there are', () => {
    const counts = bootstrapCounts(50, seededRng(2));
    expect(counts.reduce((a, b) => a + b, 0)).toBe(50);
  });

  it('confidenceEllipse recovers the 95% axes and angle of a known Gaussian', () => {
    const rng = seededRng(5);
    const n = 20_000;
    const angle = Math.PI / 6;
    const xs = new Float64Array(n);
    const ys = new Float64Array(n);
    for (let k = 0; k < n; k++) {
      const major = 3 * normalDraw(rng);
      const minor = normalDraw(rng);
      xs[k] = major * Math.cos(angle) - minor * Math.sin(angle);
      ys[k] = major * Math.sin(angle) + minor * Math.cos(angle);
    }
    const ellipse = confidenceEllipse(xs, ys, 0, 0);
    expectClose(ellipse.semiMajor, 3 * Math.sqrt(5.991464547107979), { relative: 0.03 });
    expectClose(ellipse.semiMinor, Math.sqrt(5.991464547107979), { relative: 0.03 });
    expectClose(ellipse.angleRadians, angle, { absolute: 0.02 });
  });
});
