import { describe, expect, it } from 'vitest';
import { fitMap } from '../../src/core/fitMap.ts';
import { firstAppearances, sampleFromDraws } from '../../src/core/lsSampling.ts';
import { place } from '../../src/core/place.ts';
import { defaultDrawCount, estimateFromScored, nextChunk, planQuickPlacement } from '../../src/ui/quickPlacement.ts';
import { expectClose } from '../asserts.ts';
import { syntheticMap } from '../fixtures/syntheticMap.ts';

const N = 240;
const synthetic = syntheticMap({ models: 30, texts: N, families: 5, seed: 7 });
const frame = fitMap(synthetic.logLikelihoodsModelsByTexts, {
  meanBytesPerText: 900,
  categoryOfText: synthetic.categoryOfText,
  categoryNames: synthetic.categoryNames,
  familyByModel: synthetic.familyByModel,
  tsne: { iterations: 300 },
});
const plan = planQuickPlacement(frame.qModelsByTexts, { drawCount: 40, seed: 5 });
const newModel = synthetic.newModel(2, 99);
const scoredAfter = (count: number) => new Map(Array.from(plan.order.subarray(0, count), (j) => [j, newModel[j]] as [number, number]));

describe('planQuickPlacement', () => {
  it('planQuickPlacement(q) orders every text once: the LS draws by first appearance, then the rest', () => {
    expect([...plan.order].sort((a, b) => a - b)).toEqual(Array.from({ length: N }, (_, j) => j));
    expect(Array.from(plan.order.subarray(0, plan.lsTextCount))).toEqual(firstAppearances(plan.draws));
    expect(plan.draws.length).toBe(40);
  });

  it('planQuickPlacement(q, { seed }) is deterministic', () => {
    expect(planQuickPlacement(frame.qModelsByTexts, { drawCount: 40, seed: 5 })).toEqual(plan);
    expect(planQuickPlacement(frame.qModelsByTexts, { drawCount: 40, seed: 6 }).order).not.toEqual(plan.order);
  });

  it('defaultDrawCount(N) is about a tenth of the texts, at least 20 (or N) and at most 200', () => {
    expect([defaultDrawCount(10), defaultDrawCount(48), defaultDrawCount(1320), defaultDrawCount(5000)]).toEqual([10, 20, 132, 200]);
  });
});

describe('estimateFromScored', () => {
  it('estimateFromScored(plan, nothing or one text) is null', () => {
    expect(estimateFromScored(plan, new Map())).toBeNull();
    expect(estimateFromScored(plan, scoredAfter(1))).toBeNull();
  });

  it('estimateFromScored in the LS phase weights the longest scored prefix of draws as sampleFromDraws does', () => {
    const estimate = estimateFromScored(plan, scoredAfter(5))!;
    expect(estimate.stage).toBe('ls');
    let prefix = 0;
    const scored = scoredAfter(5);
    while (scored.has(plan.draws[prefix])) prefix++;
    const sample = sampleFromDraws(plan.probabilities, plan.draws, prefix);
    expect(Array.from(estimate.observation.textIndices!)).toEqual(Array.from(sample.textIndices));
    expectClose(estimate.observation.squaredWeights!, sample.squaredWeights);
    expectClose(estimate.observation.logLikelihoodsNats, Array.from(sample.textIndices, (j) => newModel[j]));
  });

  it('estimateFromScored after the LS texts and as many others is stratified, with weights summing to N', () => {
    const count = 2 * plan.lsTextCount + 3;
    const estimate = estimateFromScored(plan, scoredAfter(count))!;
    expect(estimate.stage).toBe('stratified');
    expect(estimate.textsUsed).toBe(count);
    expectClose(Array.from(estimate.observation.squaredWeights!).reduce((a, b) => a + b, 0), N, { relative: 1e-12 });
  });

  it('estimateFromScored(every text) is the full vector, and places as place(frame, full) does', () => {
    const estimate = estimateFromScored(plan, scoredAfter(N))!;
    expect(estimate.stage).toBe('complete');
    expect(estimate.observation.textIndices).toBeUndefined();
    const fromEstimate = place(frame, estimate.observation, { bootstrapReplicates: 0 });
    const full = place(frame, { logLikelihoodsNats: newModel }, { bootstrapReplicates: 0 });
    expect(fromEstimate.nearest.map((near) => near.index)).toEqual(full.nearest.map((near) => near.index));
    expectClose(fromEstimate.klNatsPerText, full.klNatsPerText, { relative: 1e-9 });
  });

  it('estimateFromScored places a family member among its family from the LS texts alone, and refines towards the full KL', () => {
    const full = place(frame, { logLikelihoodsNats: newModel }, { bootstrapReplicates: 0 });
    const errors: number[] = [];
    for (const count of [plan.lsTextCount, 2 * plan.lsTextCount + 10, N]) {
      const placement = place(frame, estimateFromScored(plan, scoredAfter(count))!.observation, { bootstrapReplicates: 0 });
      expect(synthetic.familyByModel[placement.nearest[0].index]).toBe('family-2');
      const nearestFull = full.nearest[0].index;
      errors.push(Math.abs(placement.klNatsPerText[nearestFull] - full.klNatsPerText[nearestFull]) / full.klNatsPerText[nearestFull]);
    }
    expect(errors[2]).toBeLessThan(1e-9);
    expect(errors[0]).toBeLessThan(0.5);
  });

  it('estimateFromScored with the first drawn text unscored (a run stopped inside a chunk) weights the scored draws', () => {
    const scored = new Map([plan.order[1], plan.order[2], plan.order[3]].map((j) => [j, newModel[j]] as [number, number]));
    const estimate = estimateFromScored(plan, scored)!;
    expect(estimate.stage).toBe('ls');
    expect(Array.from(estimate.observation.textIndices!).sort()).toEqual([plan.order[1], plan.order[2], plan.order[3]].sort());
    const scoredDraws = Array.from(plan.draws).filter((j) => scored.has(j));
    expectClose(estimate.observation.squaredWeights!, sampleFromDraws(plan.probabilities, scoredDraws).squaredWeights);
  });

  it('estimateFromScored accepts texts scored outside the plan order (a resumed run), using only the usable ones', () => {
    const scored = new Map([[plan.order[N - 1], newModel[plan.order[N - 1]]], ...scoredAfter(4)]);
    const estimate = estimateFromScored(plan, scored)!;
    expect(estimate.stage).toBe('ls');
    expect(Array.from(estimate.observation.textIndices!)).not.toContain(plan.order[N - 1]);
  });
});

describe('nextChunk', () => {
  it('nextChunk(plan, scored, size) gives the next unscored texts in plan order', () => {
    const scored = new Set([plan.order[0], plan.order[2]]);
    expect(nextChunk(plan, scored, 3)).toEqual([plan.order[1], plan.order[3], plan.order[4]]);
    expect(nextChunk(plan, new Set(plan.order), 3)).toEqual([]);
  });
});
