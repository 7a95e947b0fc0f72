import { LlmapError } from '../core/errors.ts';
import { firstAppearances, lsDraws, sampleFromDraws } from '../core/lsSampling.ts';
import type { Matrix } from '../core/matrix.ts';
import type { Observation } from '../core/place.ts';
import { seededRng } from '../core/rng.ts';

/**
 * Quick placement: which texts to score first and how to weight a partly scored vector, so a new model shows up on
 * the map after a few texts and refines as scoring goes on. Pure functions over text positions (0…N−1 in the map's
 * text order); no DOM, no scoring.
 *
 * Order: the texts of n seeded LS draws in order of first appearance (most informative first), then every other
 * text in a seeded shuffle. Estimates, by what has been scored:
 *   'ls'          — the longest prefix of draws whose texts are all scored, LS-weighted (w² = c/(n·π)); when that
 *                   prefix holds fewer than 2 texts (a run stopped inside a chunk, which the scorer orders by
 *                   length), the scored draws wherever they fall, weighted the same way (provisional either way);
 *   'stratified'  — once every drawn text is scored and at least as many others: the drawn texts exactly (w² = 1)
 *                   plus the other scored texts as a uniform sample of the rest (w² = |rest| / scored of rest);
 *   'complete'    — every text: the full vector, no weights.
 */

export interface QuickPlacementPlan {
  readonly textCount: number;
  /** Text positions in scoring order: the LS texts first, then the rest. */
  readonly order: Int32Array;
  /** Distinct texts among the draws: order[0 … lsTextCount) are the LS texts. */
  readonly lsTextCount: number;
  readonly probabilities: Float64Array;
  readonly draws: Int32Array;
}

export interface QuickPlacementOptions {
  /** LS draws; default clamp(round(N / 10), min(N, 20), 200). */
  readonly drawCount?: number;
  readonly seed?: number;
}

export type EstimateStage = 'ls' | 'stratified' | 'complete';

export interface PartialEstimate {
  readonly stage: EstimateStage;
  readonly observation: Observation;
  /** Texts the estimate uses (scored texts outside the usable draw prefix are left out in stage 'ls'). */
  readonly textsUsed: number;
}

/** The default number of LS draws for a map of N texts. */
export function defaultDrawCount(textCount: number): number {
  return Math.max(Math.min(textCount, 20), Math.min(200, Math.round(textCount / 10)));
}

export function planQuickPlacement(qModelsByTexts: Matrix, options: QuickPlacementOptions = {}): QuickPlacementPlan {
  const textCount = qModelsByTexts.cols;
  if (textCount < 2) throw new LlmapError('too-few-texts', `Quick placement needs a map of at least 2 texts; this one has ${textCount}.`);
  const seed = options.seed ?? 42;
  const { probabilities, draws } = lsDraws(qModelsByTexts, options.drawCount ?? defaultDrawCount(textCount), seed);
  const lsTexts = firstAppearances(draws);
  const inLs = new Uint8Array(textCount);
  for (const j of lsTexts) inLs[j] = 1;
  const rest: number[] = [];
  for (let j = 0; j < textCount; j++) if (!inLs[j]) rest.push(j);
  // Fisher–Yates with its own seeded stream: any prefix of the rest is a uniform sample of it.
  const rng = seededRng(seed + 1);
  for (let k = rest.length - 1; k > 0; k--) {
    const swap = Math.floor(rng() * (k + 1));
    [rest[k], rest[swap]] = [rest[swap], rest[k]];
  }
  return { textCount, order: Int32Array.from([...lsTexts, ...rest]), lsTextCount: lsTexts.length, probabilities, draws };
}

/**
 * The observation to place from what is scored so far (`logLikelihoodByPosition`: text position → ℓ in nats), or
 * null while fewer than 2 usable texts are scored.
 */
export function estimateFromScored(plan: QuickPlacementPlan, logLikelihoodByPosition: ReadonlyMap<number, number>): PartialEstimate | null {
  const { textCount, order, lsTextCount, probabilities, draws } = plan;
  let scoredCount = 0;
  for (const position of logLikelihoodByPosition.keys()) if (position >= 0 && position < textCount) scoredCount++;
  if (scoredCount === textCount) {
    const logLikelihoodsNats = Float64Array.from({ length: textCount }, (_, j) => logLikelihoodByPosition.get(j)!);
    return { stage: 'complete', observation: { logLikelihoodsNats }, textsUsed: textCount };
  }

  let lsScored = 0;
  for (let k = 0; k < lsTextCount; k++) if (logLikelihoodByPosition.has(order[k])) lsScored++;
  const restTotal = textCount - lsTextCount;
  const restScored = scoredCount - lsScored;
  if (lsScored === lsTextCount && restScored > 0 && restScored >= lsTextCount) {
    const textIndices: number[] = [];
    const squaredWeights: number[] = [];
    const logLikelihoodsNats: number[] = [];
    order.forEach((position, k) => {
      const value = logLikelihoodByPosition.get(position);
      if (value === undefined) return;
      textIndices.push(position);
      logLikelihoodsNats.push(value);
      squaredWeights.push(k < lsTextCount ? 1 : restTotal / restScored);
    });
    return { stage: 'stratified', observation: { logLikelihoodsNats, textIndices, squaredWeights }, textsUsed: textIndices.length };
  }

  let prefix = 0;
  while (prefix < draws.length && logLikelihoodByPosition.has(draws[prefix])) prefix++;
  let sample = prefix === 0 ? null : sampleFromDraws(probabilities, draws, prefix);
  if (sample === null || sample.textIndices.length < 2) {
    const scoredDraws = draws.filter((j) => logLikelihoodByPosition.has(j));
    if (new Set(scoredDraws).size < 2) return null;
    sample = sampleFromDraws(probabilities, scoredDraws);
  }
  return {
    stage: 'ls',
    observation: {
      logLikelihoodsNats: Float64Array.from(sample.textIndices, (j) => logLikelihoodByPosition.get(j)!),
      textIndices: sample.textIndices,
      squaredWeights: sample.squaredWeights,
    },
    textsUsed: sample.textIndices.length,
  };
}

/** The next `size` unscored positions in plan order (empty when everything is scored). */
export function nextChunk(plan: QuickPlacementPlan, scored: { has(position: number): boolean }, size: number): number[] {
  const chunk: number[] = [];
  for (let k = 0; k < plan.order.length && chunk.length < size; k++) if (!scored.has(plan.order[k])) chunk.push(plan.order[k]);
  return chunk;
}
