import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { LlmapError } from '../core/errors.ts';
import { fitFrame } from '../core/frame.ts';
import { firstAppearances, lsDraws } from '../core/lsSampling.ts';
import { logLikelihoodMatrix } from '../map/scoresMatrix.ts';
import { parseRecordLines } from '../scoring/records.ts';
import { parseTextLines, type MapText } from '../scoring/textSet.ts';

/** The texts to score from `--texts`: a map folder (its texts.jsonl) or a texts.jsonl file. */
export function readTexts(textsArgument: string): { texts: MapText[]; mapFolder: string | null } {
  const isFolder = existsSync(textsArgument) && statSync(textsArgument).isDirectory();
  const path = isFolder ? join(textsArgument, 'texts.jsonl') : textsArgument;
  if (!existsSync(path)) {
    throw new LlmapError('missing-file', isFolder ? `The map folder ${textsArgument} has no texts.jsonl.` : `There is no texts file at ${path}. Pass a map folder or a texts.jsonl.`);
  }
  return { texts: parseTextLines(readFileSync(path, 'utf8'), path), mapFolder: isFolder ? textsArgument : null };
}

/**
 * `--subset ls:<n>`: n seeded LS draws over the map's reference vectors (its scores/<model>.jsonl files), texts in
 * order of first appearance. The draws are returned so the placement can weight the texts.
 */
export function lsSubset(texts: readonly MapText[], mapFolder: string | null, subset: string, seed: number): { texts: MapText[]; draws: number[] } {
  const match = /^ls:(\d+)$/.exec(subset);
  if (!match || Number(match[1]) < 1) throw new LlmapError('invalid-argument', `--subset must look like ls:<draws>, e.g. ls:500; got "${subset}".`);
  const scoresFolder = mapFolder ? join(mapFolder, 'scores') : null;
  if (!scoresFolder || !existsSync(scoresFolder)) {
    throw new LlmapError('missing-file', 'An LS subset is drawn from the reference models of a map: pass --texts <map folder> whose scores/ folder holds one <model>.jsonl per reference model.');
  }
  const files = readdirSync(scoresFolder).filter((name) => name.endsWith('.jsonl')).sort();
  const models = files.map((name) => ({ id: name.replace(/\.jsonl$/, ''), records: parseRecordLines(readFileSync(join(scoresFolder, name), 'utf8'), join(scoresFolder, name)) }));
  const { qModelsByTexts } = fitFrame(logLikelihoodMatrix(models, texts.map((text) => text.index)));
  const { draws } = lsDraws(qModelsByTexts, Number(match[1]), seed);
  return { texts: firstAppearances(draws).map((position) => texts[position]), draws: Array.from(draws, (position) => texts[position].index) };
}
