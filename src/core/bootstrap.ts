import type { Rng } from './rng.ts';

/**
 * A block bootstrap over texts: the scored texts are dealt at random into B blocks, and each replicate draws B
 * blocks with replacement. For i.i.d. texts this has the variance of the plain text bootstrap, yet a replicate
 * costs O(K·B) from per-block sums instead of another O(K·N) pass.
 */

/** Block (0..blockCount−1) of each of `itemCount` items, dealt round-robin after a seeded shuffle. */
export function assignBlocks(itemCount: number, blockCount: number, rng: Rng): Int32Array {
  const order = Int32Array.from({ length: itemCount }, (_, k) => k);
  for (let k = itemCount - 1; k > 0; k--) {
    const swap = Math.floor(rng() * (k + 1));
    const held = order[k];
    order[k] = order[swap];
    order[swap] = held;
  }
  const block = new Int32Array(itemCount);
  order.forEach((item, position) => (block[item] = position % blockCount));
  return block;
}

/** How often each of `blockCount` blocks is drawn in one replicate (B draws with replacement). */
export function bootstrapCounts(blockCount: number, rng: Rng): Float64Array {
  const counts = new Float64Array(blockCount);
  for (let d = 0; d < blockCount; d++) counts[Math.floor(rng() * blockCount)]++;
  return counts;
}

/** A 2-D confidence ellipse: centre, semi-axes and the angle of the major axis (radians from +x). */
export interface Ellipse {
  readonly centreX: number;
  readonly centreY: number;
  readonly semiMajor: number;
  readonly semiMinor: number;
  readonly angleRadians: number;
}

/** χ²(2) quantile for 95%: a Gaussian's 95% region is the ellipse at √5.991 standard deviations. */
const CHI_SQUARED_2_AT_95 = 5.991464547107979;

/**
 * The 95% ellipse of a Gaussian fitted to 2-D points (xs, ys), centred on (centreX, centreY): the bootstrap
 * spread drawn around the point estimate.
 */
export function confidenceEllipse(xs: ArrayLike<number>, ys: ArrayLike<number>, centreX: number, centreY: number): Ellipse {
  const n = xs.length;
  let meanX = 0;
  let meanY = 0;
  for (let k = 0; k < n; k++) {
    meanX += xs[k] / n;
    meanY += ys[k] / n;
  }
  let xx = 0;
  let yy = 0;
  let xy = 0;
  for (let k = 0; k < n; k++) {
    const dx = xs[k] - meanX;
    const dy = ys[k] - meanY;
    xx += (dx * dx) / Math.max(n - 1, 1);
    yy += (dy * dy) / Math.max(n - 1, 1);
    xy += (dx * dy) / Math.max(n - 1, 1);
  }
  const halfTrace = (xx + yy) / 2;
  const spread = Math.hypot((xx - yy) / 2, xy);
  const major = halfTrace + spread;
  const minor = Math.max(halfTrace - spread, 0);
  return {
    centreX,
    centreY,
    semiMajor: Math.sqrt(CHI_SQUARED_2_AT_95 * major),
    semiMinor: Math.sqrt(CHI_SQUARED_2_AT_95 * minor),
    angleRadians: 0.5 * Math.atan2(2 * xy, xx - yy),
  };
}

/** Sample standard deviation of each column of a row-major replicates × width buffer. */
export function columnStandardDeviations(replicates: Float64Array, width: number): Float64Array {
  const count = replicates.length / width;
  const mean = new Float64Array(width);
  const deviation = new Float64Array(width);
  for (let r = 0; r < count; r++) for (let c = 0; c < width; c++) mean[c] += replicates[r * width + c] / count;
  for (let r = 0; r < count; r++) {
    for (let c = 0; c < width; c++) deviation[c] += (replicates[r * width + c] - mean[c]) ** 2 / Math.max(count - 1, 1);
  }
  return deviation.map(Math.sqrt);
}
