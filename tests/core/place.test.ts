import { describe, expect, it } from 'vitest';
import { fitMap } from '../../src/core/fitMap.ts';
import { centreNewVector } from '../../src/core/frame.ts';
import { klNatsPerTextToReferences } from '../../src/core/kl.ts';
import { matrix, rowView } from '../../src/core/matrix.ts';
import { place } from '../../src/core/place.ts';
import { predictRidge } from '../../src/core/ridge.ts';
import { expectClose } from '../asserts.ts';
import { syntheticMap } from '../fixtures/syntheticMap.ts';

const synthetic = syntheticMap({ models: 40, texts: 300, families: 5, seed: 3 });
const frame = fitMap(synthetic.logLikelihoodsModelsByTexts, {
  meanBytesPerText: 900,
  categoryOfText: synthetic.categoryOfText,
  categoryNames: synthetic.categoryNames,
  familyByModel: synthetic.familyByModel,
  scores: [{ name: 'score', valueByModel: synthetic.scoreByModel, predictionRange: { min: 0, max: 100 } }],
  tsne: { iterations: 500 },
});
const N = 300;
const referenceRow = (i: number) => rowView(synthetic.logLikelihoodsModelsByTexts, i);

describe('place', () => {
  it('place of a reference model finds itself at KL 0 and lands on its own PCA point', () => {
    const placement = place(frame, { logLikelihoodsNats: referenceRow(7) }, { bootstrapReplicates: 0 });
    expect(placement.nearest[0].index).toBe(7);
    expectClose(placement.nearest[0].klNatsPerText, 0, { absolute: 1e-9 });
    expect(placement.klWithinApproximationRange).toBe(true);
    expectClose([placement.pca.x, placement.pca.y], frame.pca.scoresModelsByComponents.values.subarray(14, 16), { absolute: 1e-6 });
  });

  it('place of each reference model lands inside its own family on the t-SNE map', () => {
    const positions = frame.tsnePositions.values;
    for (const i of [0, 6, 12, 18, 24, 30, 36]) {
      const placement = place(frame, { logLikelihoodsNats: referenceRow(i) }, { bootstrapReplicates: 0 });
      let nearest = -1;
      let nearestDistance = Infinity;
      for (let j = 0; j < 40; j++) {
        const d = Math.hypot(positions[2 * j] - placement.tsne.x, positions[2 * j + 1] - placement.tsne.y);
        if (d < nearestDistance) [nearest, nearestDistance] = [j, d];
      }
      expect(synthetic.familyByModel[nearest]).toBe(synthetic.familyByModel[i]);
    }
  });

  it('place gives the KL of klNatsPerTextToReferences and bits per byte from the mean bytes', () => {
    const newRow = synthetic.newModel(2, 99);
    const placement = place(frame, { logLikelihoodsNats: newRow }, { bootstrapReplicates: 0 });
    const direct = klNatsPerTextToReferences(centreNewVector(frame.centring, newRow), frame.qModelsByTexts);
    expectClose(placement.klNatsPerText, direct, { relative: 1e-9, absolute: 1e-9 });
    expectClose(placement.klBitsPerByte[3], direct[3] / (900 * Math.LN2), { relative: 1e-12 });
  });

  it('place puts a new model of a family among that family and predicts its score as predictRidge does', () => {
    const newRow = synthetic.newModel(4, 123);
    const placement = place(frame, { logLikelihoodsNats: newRow }, { bootstrapReplicates: 0 });
    for (const near of placement.nearest.slice(0, 5)) expect(synthetic.familyByModel[near.index]).toBe('family-4');
    const q = centreNewVector(frame.centring, newRow);
    expectClose(placement.predictedScores[0].value, predictRidge(frame.predictors[0].fit, q), { relative: 1e-9 });
    expect(placement.offMap.isOffMap).toBe(false);
  });

  it('place with every text as a uniform subset equals place with the full vector', () => {
    const newRow = synthetic.newModel(1, 5);
    const full = place(frame, { logLikelihoodsNats: newRow }, { bootstrapReplicates: 0 });
    const indices = Array.from({ length: N }, (_, j) => N - 1 - j);
    const asSubset = place(frame, { logLikelihoodsNats: indices.map((j) => newRow[j]), textIndices: indices }, { bootstrapReplicates: 0 });
    expectClose(asSubset.klNatsPerText, full.klNatsPerText, { relative: 1e-9 });
    expectClose([asSubset.pca.x, asSubset.pca.y], [full.pca.x, full.pca.y], { relative: 1e-9, absolute: 1e-9 });
    expectClose(asSubset.predictedScores[0].value, full.predictedScores[0].value, { relative: 1e-9 });
  });

  it('place on a partial vector estimates the full KL and its bootstrap ellipse shrinks as texts are added', () => {
    const newRow = synthetic.newModel(0, 77);
    const full = place(frame, { logLikelihoodsNats: newRow }, { bootstrapReplicates: 0 });
    const partial = (m: number) => {
      const indices = Array.from({ length: m }, (_, k) => (k * 7) % N);
      return place(frame, { logLikelihoodsNats: indices.map((j) => newRow[j]), textIndices: indices }, { tsneBootstrapReplicates: 10 });
    };
    const few = partial(30);
    const many = partial(240);
    expect(few.nearest[0].index).toBe(full.nearest[0].index);
    const far = full.nearest[9].index;
    expectClose(many.klNatsPerText[far], full.klNatsPerText[far], { relative: 0.15 });
    expect(many.pca.ellipse!.semiMajor).toBeLessThan(few.pca.ellipse!.semiMajor);
    expect(many.nearest[0].klStandardDeviationNatsPerText).toBeLessThan(few.nearest[0].klStandardDeviationNatsPerText);
    expect(few.tsne.ellipse!.semiMajor).toBeGreaterThan(0);
  });

  it('place flags a model far from every reference as off-map', () => {
    const stranger = synthetic.newModel(-1, 8).map((v, j) => v - (j % 2 === 0 ? 400 : 0));
    const placement = place(frame, { logLikelihoodsNats: stranger }, { bootstrapReplicates: 0 });
    expect(placement.offMap.isOffMap).toBe(true);
    expect(placement.offMap.nearestKlPercentile).toBe(100);
    expect(placement.klWithinApproximationRange).toBe(false);
  });

  it('place gives the profile of a model strong on one category as that primary category', () => {
    const row = Float64Array.from(referenceRow(3), (v, j) => v + (synthetic.categoryOfText[j] === 2 ? 80 : 0));
    const placement = place(frame, { logLikelihoodsNats: row }, { bootstrapReplicates: 0 });
    expect(placement.profile.primaryCategory).toBe(2);
    expect(placement.profile.textCountByCategory[2]).toBe(60);
  });

  it('place is deterministic for a seed', () => {
    const row = synthetic.newModel(3, 4);
    const a = place(frame, { logLikelihoodsNats: row }, { seed: 9, tsneBootstrapReplicates: 5 });
    const b = place(frame, { logLikelihoodsNats: row }, { seed: 9, tsneBootstrapReplicates: 5 });
    expect(a.tsne).toEqual(b.tsne);
    expect(a.nearest).toEqual(b.nearest);
  });

  it('place rejects a vector of the wrong length, NaN, and fewer than 2 texts', () => {
    expect(() => place(frame, { logLikelihoodsNats: new Float64Array(10) })).toThrow(/map has 300 texts but the vector has 10/);
    const withNaN = Float64Array.from(referenceRow(0));
    withNaN[17] = NaN;
    expect(() => place(frame, { logLikelihoodsNats: withNaN })).toThrow(expect.objectContaining({ code: 'non-finite-value' }));
    expect(() => place(frame, { logLikelihoodsNats: [-3], textIndices: [4] })).toThrow(expect.objectContaining({ code: 'too-few-texts' }));
  });
});

describe('fitMap', () => {
  it('fitMap leave-one-out: each model placed back on a map without it lands among its family', () => {
    let sameFamily = 0;
    for (const held of [0, 9, 18, 27, 36]) {
      const keep = Array.from({ length: 40 }, (_, i) => i).filter((i) => i !== held);
      const values = new Float64Array(keep.length * N);
      keep.forEach((i, k) => values.set(referenceRow(i), k * N));
      const reduced = fitMap(matrix(keep.length, N, values), {
        meanBytesPerText: 900,
        categoryOfText: synthetic.categoryOfText,
        categoryNames: synthetic.categoryNames,
        tsne: { iterations: 250 },
      });
      const nearest = place(reduced, { logLikelihoodsNats: referenceRow(held) }, { bootstrapReplicates: 0 }).nearest[0].index;
      if (synthetic.familyByModel[keep[nearest]] === synthetic.familyByModel[held]) sameFamily++;
    }
    expect(sameFamily).toBe(5);
  });

  it('fitMap cross-validates the score predictor with GroupKFold over families and it beats chance', () => {
    const [predictor] = frame.predictors;
    expect(predictor.crossValidation.folds).toBe('group');
    expect(predictor.crossValidation.pearson).toBeGreaterThan(0.5);
  });

  it('fitMap keeps t-SNE families apart: each model’s nearest map neighbour shares its family', () => {
    const positions = frame.tsnePositions.values;
    let agree = 0;
    for (let i = 0; i < 40; i++) {
      let best = -1;
      let bestDistance = Infinity;
      for (let j = 0; j < 40; j++) {
        const d = Math.hypot(positions[2 * i] - positions[2 * j], positions[2 * i + 1] - positions[2 * j + 1]);
        if (j !== i && d < bestDistance) [best, bestDistance] = [j, d];
      }
      if (synthetic.familyByModel[best] === synthetic.familyByModel[i]) agree++;
    }
    expect(agree).toBeGreaterThanOrEqual(38);
  });
});
