import { describe, expect, it } from 'vitest';
import { LlmapError } from '../../src/core/errors.ts';
import { centreNewVector, fitFrame, type ClipRule } from '../../src/core/frame.ts';
import {
  differenceMoments,
  klNatsPerTextFromMoments,
  klNatsPerTextFromSquaredDistance,
  klNatsPerTextToReferences,
  natsPerTextToBitsPerByte,
  pairwiseKlNatsPerText,
} from '../../src/core/kl.ts';
import { matrix, matrixFromRows, rowView, type Matrix } from '../../src/core/matrix.ts';
import { seededRng, type Rng } from '../../src/core/rng.ts';
import { fullSample, uniformSample, type TextSample } from '../../src/core/textSample.ts';
import { expectClose } from '../asserts.ts';
import {
  enumerateStrings,
  logProbabilitiesNats,
  randomChainDirection,
  randomMarkovChain,
  sampleStrings,
  tiltMarkovChain,
} from './markovModels.ts';

/** Below every log-likelihood in these tests, so nothing is clipped and KL is ½·Var of ℓ_i − ℓ_j exactly. */
const NO_CLIP_THRESHOLD_NATS = -1e3;
const NO_CLIP: ClipRule = { kind: 'fixed', thresholdNats: NO_CLIP_THRESHOLD_NATS };

/** ½·population variance over texts of a − b, by plain loops: the quantity KL ≈ ½·Var(ℓ_i − ℓ_j) names. */
function halfVarianceOfDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let mean = 0;
  for (let j = 0; j < a.length; j++) mean += a[j] - b[j];
  mean /= a.length;
  let sum = 0;
  for (let j = 0; j < a.length; j++) sum += (a[j] - b[j] - mean) ** 2;
  return sum / a.length / 2;
}

function randomLogLikelihoods(rng: Rng, modelCount: number, textCount: number): Matrix {
  return matrix(modelCount, textCount, Array.from({ length: modelCount * textCount }, () => -200 * rng() - 20 * rng()));
}

function rowOf(m: Matrix, i: number): Float64Array {
  return Float64Array.from(rowView(m, i));
}

describe('klNatsPerTextToReferences and pairwiseKlNatsPerText', () => {
  it('klNatsPerTextToReferences(q_i, Q) is 0 for a reference\'s own row and matches row i of pairwiseKlNatsPerText(Q)', () => {
    const { qModelsByTexts: q } = fitFrame(randomLogLikelihoods(seededRng(11), 5, 17), NO_CLIP);
    const pairwise = pairwiseKlNatsPerText(q);
    for (let i = 0; i < q.rows; i++) {
      const toReferences = klNatsPerTextToReferences(rowView(q, i), q);
      expectClose(toReferences[i], 0, { absolute: 1e-10 });
      expectClose(toReferences, rowView(pairwise, i), { relative: 1e-9, absolute: 1e-10 });
    }
  });

  it('pairwiseKlNatsPerText is 0 for two models whose ℓ differ by a constant on every text', () => {
    const rng = seededRng(12);
    const base = Array.from({ length: 9 }, () => -100 * rng());
    const other = Array.from({ length: 9 }, () => -100 * rng());
    const { centring, qModelsByTexts: q } = fitFrame(matrixFromRows([base, base.map((l) => l - 7.25), other]), NO_CLIP);
    expectClose(pairwiseKlNatsPerText(q).values[0 * 3 + 1], 0, { absolute: 1e-10 });
    expect(pairwiseKlNatsPerText(q).values[0 * 3 + 2]).toBeGreaterThan(1);
    const shifted = klNatsPerTextToReferences(centreNewVector(centring, base.map((l) => l + 3.5)), q);
    expectClose([shifted[0], shifted[1]], [0, 0], { absolute: 1e-10 });
  });

  it('pairwiseKlNatsPerText is symmetric, 0 on the diagonal and ½·Var(ℓ_i − ℓ_j) by hand on a 3×4 example', () => {
    const { qModelsByTexts: q } = fitFrame(
      matrixFromRows([[-1, -2, -3, -4], [-2, -2, -5, -3], [-4, -1, -2, -2]]),
      { kind: 'fixed', thresholdNats: -100 },
    );
    // ℓ0 − ℓ1 = [1, 0, 2, −1], mean ½, squared deviations ¼+¼+9/4+9/4 = 5, Var = 5/4, KL = 5/8.
    // ℓ0 − ℓ2 = [3, −1, −1, −2], mean −¼, squared deviations 169/16+9/16+9/16+49/16 = 59/4, Var = 59/16, KL = 59/32.
    // ℓ1 − ℓ2 = [2, −1, −3, −1], mean −¾, squared deviations 121/16+1/16+81/16+1/16 = 51/4, Var = 51/16, KL = 51/32.
    const expected = [0, 5 / 8, 59 / 32, 5 / 8, 0, 51 / 32, 59 / 32, 51 / 32, 0];
    expectClose(pairwiseKlNatsPerText(q).values, expected, { relative: 1e-12, absolute: 1e-14 });
    // A missing ½ or a sample (N − 1) variance would both miss these.
    expect(klNatsPerTextFromSquaredDistance(10, 4)).toBe(1.25);
  });

  it('pairwiseKlNatsPerText between the others is unchanged by adding a model to the reference set', () => {
    const all = randomLogLikelihoods(seededRng(13), 5, 23);
    const withoutLast = matrix(4, 23, all.values.subarray(0, 4 * 23));
    const small = fitFrame(withoutLast, NO_CLIP);
    const smallPairwise = pairwiseKlNatsPerText(small.qModelsByTexts);
    const largePairwise = pairwiseKlNatsPerText(fitFrame(all, NO_CLIP).qModelsByTexts);
    for (let i = 0; i < 4; i++) {
      expectClose(rowView(smallPairwise, i), rowView(largePairwise, i).subarray(0, 4), { relative: 1e-9, absolute: 1e-10 });
    }
    // Placing the fifth model in the 4-model frame gives the KLs it has as a reference in the 5-model frame.
    const placed = klNatsPerTextToReferences(centreNewVector(small.centring, rowView(all, 4)), small.qModelsByTexts);
    expectClose(placed, rowView(largePairwise, 4).subarray(0, 4), { relative: 1e-9 });
  });
});

describe('natsPerTextToBitsPerByte', () => {
  it('natsPerTextToBitsPerByte divides by bytes·ln 2 and rejects non-positive byte counts', () => {
    expectClose(natsPerTextToBitsPerByte(10 * Math.LN2, 5), 2, { relative: 1e-15 });
    expectClose(natsPerTextToBitsPerByte(972.3188 * Math.LN2 * 0.05, 972.3188), 0.05, { relative: 1e-15 });
    expect(natsPerTextToBitsPerByte(0, 3)).toBe(0);
    for (const bytes of [0, -972.3188, Number.NaN]) {
      expect(() => natsPerTextToBitsPerByte(1, bytes)).toThrow(expect.objectContaining({ code: 'invalid-argument' }));
    }
  });
});

describe('differenceMoments and klNatsPerTextFromMoments', () => {
  const K = 4;
  const N = 15;
  const logLikelihoods = randomLogLikelihoods(seededRng(21), K + 1, N);
  const references = matrix(K, N, logLikelihoods.values.subarray(0, K * N));
  const newLogLikelihoods = rowOf(logLikelihoods, K);
  const frame = fitFrame(references, NO_CLIP);
  const residual = centreNewVector(frame.centring, newLogLikelihoods);

  it('klNatsPerTextFromMoments with single-text blocks counted as a bootstrap replicate equals the KL on the resampled texts', () => {
    const rng = seededRng(22);
    const countByText = new Float64Array(N);
    for (let draw = 0; draw < N; draw++) countByText[Math.floor(rng() * N)] += 1;
    expect(countByText.includes(0)).toBe(true);
    expect(countByText.some((c) => c > 1)).toBe(true);

    const blockOfSample = Int32Array.from({ length: N }, (_, j) => j);
    const moments = differenceMoments(residual, fullSample(N), frame.qModelsByTexts, blockOfSample, N);
    const fromMoments = klNatsPerTextFromMoments(moments, countByText);

    // The same replicate built explicitly: every text repeated by its count, a fresh frame on those columns.
    const resampledColumns: number[] = [];
    for (let j = 0; j < N; j++) for (let c = 0; c < countByText[j]; c++) resampledColumns.push(j);
    const resampledRows = Array.from({ length: K + 1 }, (_, i) => resampledColumns.map((j) => logLikelihoods.values[i * N + j]));
    const resampledFrame = fitFrame(matrixFromRows(resampledRows.slice(0, K)), NO_CLIP);
    const direct = klNatsPerTextToReferences(centreNewVector(resampledFrame.centring, resampledRows[K]), resampledFrame.qModelsByTexts);
    expectClose(fromMoments, direct, { relative: 1e-9 });
    for (let i = 0; i < K; i++) expectClose(direct[i], halfVarianceOfDifference(resampledRows[K], resampledRows[i]), { relative: 1e-9 });

    // Counting every block once is the plain full-sample KL.
    expectClose(klNatsPerTextFromMoments(moments), klNatsPerTextToReferences(residual, frame.qModelsByTexts), { relative: 1e-9 });
  });

  it('differenceMoments with a uniformSample of all texts, in any order, gives the full KL', () => {
    const order = [7, 0, 14, 3, 9, 1, 12, 5, 10, 2, 13, 6, 11, 4, 8];
    const sample = uniformSample(N, order);
    const fromSample = klNatsPerTextFromMoments(differenceMoments(order.map((j) => residual[j]), sample, frame.qModelsByTexts));
    expectClose(fromSample, klNatsPerTextToReferences(residual, frame.qModelsByTexts), { relative: 1e-9 });
    for (let i = 0; i < K; i++) expectClose(fromSample[i], halfVarianceOfDifference(newLogLikelihoods, rowView(references, i)), { relative: 1e-9 });
  });

  it('differenceMoments with a uniformSample of some texts gives ½·Var over those texts', () => {
    const subset = [2, 3, 5, 8, 13];
    const fromSample = klNatsPerTextFromMoments(
      differenceMoments(subset.map((j) => residual[j]), uniformSample(N, subset), frame.qModelsByTexts),
    );
    for (let i = 0; i < K; i++) {
      const byHand = halfVarianceOfDifference(subset.map((j) => newLogLikelihoods[j]), subset.map((j) => references.values[i * N + j]));
      expectClose(fromSample[i], byHand, { relative: 1e-9 });
    }
  });

  it('differenceMoments rejects a NaN in the new vector with an LlmapError coded non-finite-value', () => {
    const withNaN = Float64Array.from(residual);
    withNaN[4] = Number.NaN;
    expect(() => differenceMoments(withNaN, fullSample(N), frame.qModelsByTexts)).toThrow(LlmapError);
    expect(() => differenceMoments(withNaN, fullSample(N), frame.qModelsByTexts)).toThrow(
      expect.objectContaining({ name: 'LlmapError', code: 'non-finite-value' }),
    );
    expect(() => klNatsPerTextToReferences(withNaN, frame.qModelsByTexts)).toThrow(expect.objectContaining({ code: 'non-finite-value' }));
  });
});

describe('the KL approximation against exact KL on Markov chains', () => {
  /*
   * Base chain p: 4 symbols, strings of length 8 (all 65,536 enumerated), whole strings scored. p_ε tilts every
   * initial and transition log-probability by ε·(a seeded normal direction). Exact ½J = ½(KL(p‖p_ε) + KL(p_ε‖p)).
   * Measured relative errors |estimate − ½J| / ½J (estimate: ½·Var_p by enumeration | from N = 20,000 texts ~ p),
   * and of the exact-variance estimate against KL(p‖p_ε):
   *   ε      KL(p‖p_ε)  ½J        exact Var  sampled   vs KL(p‖p_ε)
   *   0.8    0.8632     0.8139    18.7%      20.4%     11.9%
   *   0.4    0.2295     0.2234     8.3%       9.9%      5.4%
   *   0.2    0.05919    0.05843    3.9%       5.5%      2.6%
   *   0.1    0.01503    0.01494    1.9%       3.4%      1.3%
   *   0.05   0.003788   0.003776   0.95%      2.4%      0.63%
   *   0.025  0.000951   0.000949   0.47%      1.9%      0.31%
   * The error is first order in ε (halves with ε). The sampled estimate sits 1.5 standard errors above the exact
   * variance for every ε (the p_ε are collinear, so their sampling errors are one error), a floor of about 1.5%.
   * The sign and size of the first-order coefficient depend on the direction: with other seeds it can cross 0
   * between two rungs, so monotonicity is a property of this seed, the O(ε) rate is the general one.
   */
  const symbolCount = 4;
  const length = 8;
  const sampledTextCount = 20_000;
  const epsilons = [0.8, 0.4, 0.2, 0.1, 0.05, 0.025];
  const rng = seededRng(1);
  const base = randomMarkovChain(symbolCount, rng);
  const direction = randomChainDirection(symbolCount, rng);
  const chains = [base, ...epsilons.map((epsilon) => tiltMarkovChain(base, direction, epsilon))];

  const allStrings = enumerateStrings(symbolCount, length);
  const logProbabilitiesAll = chains.map((chain) => logProbabilitiesNats(chain, allStrings, length));
  const stringCount = logProbabilitiesAll[0].length;
  const probabilitiesBase = logProbabilitiesAll[0].map(Math.exp);

  function exactKlNats(from: number, to: number): number {
    const logP = logProbabilitiesAll[from];
    const logQ = logProbabilitiesAll[to];
    let sum = 0;
    for (let s = 0; s < stringCount; s++) sum += Math.exp(logP[s]) * (logP[s] - logQ[s]);
    return sum;
  }

  /** Mean, variance and fourth central moment of ℓ_i − ℓ_0 under p, by enumeration. */
  function exactDifferenceMoments(i: number): { variance: number; fourth: number } {
    let mean = 0;
    for (let s = 0; s < stringCount; s++) mean += probabilitiesBase[s] * (logProbabilitiesAll[i][s] - logProbabilitiesAll[0][s]);
    let variance = 0;
    let fourth = 0;
    for (let s = 0; s < stringCount; s++) {
      const deviation = logProbabilitiesAll[i][s] - logProbabilitiesAll[0][s] - mean;
      variance += probabilitiesBase[s] * deviation ** 2;
      fourth += probabilitiesBase[s] * deviation ** 4;
    }
    return { variance, fourth };
  }

  const halfJeffreys = epsilons.map((_, e) => (exactKlNats(0, e + 1) + exactKlNats(e + 1, 0)) / 2);
  const relativeError = (estimate: number, e: number): number => Math.abs(estimate - halfJeffreys[e]) / halfJeffreys[e];

  it('klNatsPerTextFromMoments with p-weighted texts over every string is ½·Var_p(ℓ_i − ℓ_0), converging to ½J as ε → 0', () => {
    // Every string as a "text", weighted w² = M·p(x): the library's weighted variance is the population one under p.
    const frame = fitFrame(matrixFromRows(logProbabilitiesAll), NO_CLIP);
    const sample: TextSample = {
      textCount: stringCount,
      textIndices: Int32Array.from({ length: stringCount }, (_, s) => s),
      squaredWeights: probabilitiesBase.map((p) => p * stringCount),
    };
    const klNatsPerText = klNatsPerTextFromMoments(differenceMoments(rowView(frame.qModelsByTexts, 0), sample, frame.qModelsByTexts));
    const errors = epsilons.map((_, e) => {
      expectClose(klNatsPerText[e + 1], exactDifferenceMoments(e + 1).variance / 2, { relative: 1e-9 });
      return relativeError(klNatsPerText[e + 1], e);
    });
    for (let e = 1; e < epsilons.length; e++) {
      // Halving ε halves the relative error: the approximation is exact to second order.
      expect(errors[e] / errors[e - 1]).toBeGreaterThan(0.4);
      expect(errors[e] / errors[e - 1]).toBeLessThan(0.6);
    }
    expect(errors[epsilons.length - 1]).toBeLessThan(0.01);
    expect(errors[0]).toBeGreaterThan(0.1);
  });

  it('pairwiseKlNatsPerText on N texts drawn from p agrees with ½·Var_p within 3 standard errors and with ½J for small ε', () => {
    const sampled = sampleStrings(base, length, sampledTextCount, seededRng(101));
    const logLikelihoods = chains.map((chain) => logProbabilitiesNats(chain, sampled, length));
    expect(Math.min(...logLikelihoods.map((row) => Math.min(...row)))).toBeGreaterThan(NO_CLIP_THRESHOLD_NATS);
    const pairwise = pairwiseKlNatsPerText(fitFrame(matrixFromRows(logLikelihoods), NO_CLIP).qModelsByTexts);
    for (let e = 0; e < epsilons.length; e++) {
      const i = e + 1;
      expectClose(pairwise.values[i * pairwise.cols], pairwise.values[i], { relative: 1e-12 });
      const { variance, fourth } = exactDifferenceMoments(i);
      const standardError = 0.5 * Math.sqrt((fourth - variance ** 2) / sampledTextCount);
      expect(Math.abs(pairwise.values[i] - variance / 2)).toBeLessThan(3 * standardError);
    }
    const smallest = epsilons.length - 1;
    expect(relativeError(pairwise.values[smallest + 1], smallest)).toBeLessThan(0.05);
    expect(relativeError(pairwise.values[1], 0)).toBeGreaterThan(0.1);
  });
});
