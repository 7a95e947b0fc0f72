import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LlmapError } from '../core/errors.ts';
import { lsProbabilities, sampleFromDraws } from '../core/lsSampling.ts';
import { KL_APPROXIMATION_LIMIT_BITS_PER_BYTE, place, type Observation } from '../core/place.ts';
import { loadMap } from '../map/loadMap.ts';
import { parseRecordLines } from '../scoring/records.ts';
import { parseTextLines } from '../scoring/textSet.ts';
import { parseArguments, wholeNumber } from './args.ts';

export const PLACE_USAGE = 'llmap place --map <map dir> --scores <model.jsonl> [--nearest k] [--json]';

/**
 * `llmap place`: where a scored model sits on a map — nearest references with KL, t-SNE and PCA positions, predicted
 * scores, per-category profile, off-map flag — from its per-model JSONL (a full vector, a partial one, or an LS
 * subset with its `<scores>.subset.json`).
 */
export async function placeCommand(argv: readonly string[]): Promise<number> {
  const { values, flags } = parseArguments(argv, { values: ['map', 'scores', 'nearest'], flags: ['json'] });
  const mapFolder = values.get('map');
  const scoresPath = values.get('scores');
  if (!mapFolder || !scoresPath) throw new LlmapError('invalid-argument', `Usage: ${PLACE_USAGE}`);
  if (!existsSync(scoresPath)) throw new LlmapError('missing-file', `There is no scores file at ${scoresPath}; make one with llmap score.`);
  const { manifest, frame, textsJsonl } = await loadMap(async (file) => new Uint8Array(readFileSync(join(mapFolder, file))));
  const positionOfIndex = new Map(parseTextLines(textsJsonl).map((text, position) => [text.index, position]));
  const records = parseRecordLines(readFileSync(scoresPath, 'utf8'), scoresPath);
  const positions = records.map((record) => {
    const position = positionOfIndex.get(record.index);
    if (position === undefined) throw new LlmapError('shape-mismatch', `${scoresPath} scores text ${record.index}, which is not in the map "${manifest.id}". Score the map's own texts.`);
    return position;
  });
  const observation: Observation =
    positions.length === frame.qModelsByTexts.cols
      ? { logLikelihoodsNats: reorder(records, positions) }
      : partialObservation(records, positions, `${scoresPath}.subset.json`, positionOfIndex, frame.qModelsByTexts);
  const placement = place(frame, observation, { nearestCount: wholeNumber(values, 'nearest', 10) });
  const nearest = placement.nearest.map((near) => ({ ...near, id: manifest.models[near.index].id, name: manifest.models[near.index].name }));
  if (flags.has('json')) {
    process.stdout.write(`${JSON.stringify({ map: manifest.id, textsScored: placement.textsScored, textCount: placement.textCount, nearest, tsne: placement.tsne, pca: placement.pca, predictedScores: placement.predictedScores, klWithinApproximationRange: placement.klWithinApproximationRange, profile: { primaryCategory: frame.categoryNames[placement.profile.primaryCategory], meanQNatsByCategory: Object.fromEntries(frame.categoryNames.map((name, c) => [name, placement.profile.meanQNatsByCategory[c]])) }, offMap: placement.offMap }, null, 1)}\n`);
    return 0;
  }
  const lines = [
    `Placed on "${manifest.title}" from ${placement.textsScored} of ${placement.textCount} texts.`,
    `Nearest models (KL estimate ± bootstrap s.d.):`,
    ...nearest.map((near, k) => `  ${String(k + 1).padStart(2)}. ${near.name}  ${near.klNatsPerText.toFixed(2)} ± ${near.klStandardDeviationNatsPerText.toFixed(2)} nats/text  (${near.klBitsPerByte.toFixed(4)} bits/byte)`),
    ...(placement.klWithinApproximationRange
      ? []
      : [`Even the nearest reference is over ${KL_APPROXIMATION_LIMIT_BITS_PER_BYTE} bit/byte away: the KL estimate is second order, so these values rank the references but are not divergences.`]),
    `t-SNE position (${placement.tsne.x.toFixed(2)}, ${placement.tsne.y.toFixed(2)}); PCA (${placement.pca.x.toFixed(1)}, ${placement.pca.y.toFixed(1)}).`,
    `Relatively strongest on: ${frame.categoryNames[placement.profile.primaryCategory]}.`,
    ...placement.predictedScores.map((score) => `Predicted ${score.name}: ${score.value.toFixed(2)} (cross-validated RMSE ${score.crossValidatedRootMeanSquaredError.toFixed(2)})`),
    placement.offMap.isOffMap
      ? `Off the map: its nearest KL (${placement.offMap.nearestKlNatsPerText.toFixed(1)}) exceeds ${placement.offMap.thresholdKlNatsPerText.toFixed(1)} nats/text, beyond what any reference has to its nearest neighbour; read its position with care.`
      : `On the map: nearer to its nearest reference than ${(100 - placement.offMap.nearestKlPercentile).toFixed(0)}% of references are to theirs.`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}

function reorder(records: ReturnType<typeof parseRecordLines>, positions: number[]): Float64Array {
  const values = new Float64Array(records.length);
  records.forEach((record, k) => (values[positions[k]] = record.logLikelihoodNats));
  return values;
}

function partialObservation(
  records: ReturnType<typeof parseRecordLines>,
  positions: number[],
  subsetPath: string,
  positionOfIndex: Map<number, number>,
  qModelsByTexts: Parameters<typeof lsProbabilities>[0],
): Observation {
  const logLikelihoodsNats = records.map((record) => record.logLikelihoodNats);
  if (!existsSync(subsetPath)) return { logLikelihoodsNats, textIndices: positions };
  const subset = JSON.parse(readFileSync(subsetPath, 'utf8')) as { kind: string; draws: number[] };
  const draws = subset.draws.map((index) => positionOfIndex.get(index) ?? -1);
  if (subset.kind !== 'ls' || draws.includes(-1)) throw new LlmapError('unreadable-file', `${subsetPath} is not an LS subset of this map's texts.`);
  const sample = sampleFromDraws(lsProbabilities(qModelsByTexts), draws);
  const weightOf = new Map(Array.from(sample.textIndices, (position, k) => [position, sample.squaredWeights[k]]));
  const missing = [...weightOf.keys()].filter((position) => !positions.includes(position));
  if (missing.length > 0) throw new LlmapError('shape-mismatch', `${missing.length} drawn texts are not scored yet; finish the subset with llmap score --subset (it resumes).`);
  return { logLikelihoodsNats, textIndices: positions, squaredWeights: positions.map((position) => weightOf.get(position)!) };
}
