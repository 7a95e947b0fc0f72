import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { LlmapError } from '../core/errors.ts';
import { modelFilesFromFolder } from '../scoring/node/folderFiles.ts';
import { jsonlStore, writeRecordsSorted } from '../scoring/node/jsonlStore.ts';
import { nodeRuntime } from '../scoring/node/nodeRuntime.ts';
import { parseRecordLines, type ScoreRecord } from '../scoring/records.ts';
import { openScorer } from '../scoring/scoreModel.ts';
import { shardOf, type MapText } from '../scoring/textSet.ts';
import type { ModelDtype } from '../scoring/modelFolder.ts';
import { parseArguments, wholeNumber } from './args.ts';
import { progressPrinter } from './progressBar.ts';
import { lsSubset, readTexts } from './textsInput.ts';

export const SCORE_USAGE =
  'llmap score <model-dir> --texts <map-dir|texts.jsonl> --out <file.jsonl> [--subset ls:<n>] [--shard i/n] [--threads n] [--batch-size n] [--dtype fp32|fp16|q8|…] [--seed n]';

/** `llmap score`: the model's per-text log-likelihoods as the paper's per-model JSONL, resumable and shardable. */
export async function scoreCommand(argv: readonly string[]): Promise<number> {
  const { positional, values } = parseArguments(argv, { values: ['texts', 'out', 'subset', 'shard', 'threads', 'batch-size', 'dtype', 'seed'] });
  const [modelFolder] = positional;
  const textsArgument = values.get('texts');
  const out = values.get('out');
  if (!modelFolder || !textsArgument || !out || positional.length > 1) throw new LlmapError('invalid-argument', `Usage: ${SCORE_USAGE}`);

  const { texts: allTexts, mapFolder } = readTexts(textsArgument);
  let texts: MapText[] = allTexts;
  const subset = values.get('subset');
  if (subset) {
    const chosen = lsSubset(allTexts, mapFolder, subset, wholeNumber(values, 'seed', 42, 0));
    texts = chosen.texts;
    writeFileSync(`${out}.subset.json`, `${JSON.stringify({ kind: 'ls', seed: wholeNumber(values, 'seed', 42, 0), draws: chosen.draws })}\n`);
  }
  const shard = parseShard(values.get('shard'));
  const target = shard ? shardPath(out, shard) : out;
  const scoredHere = shard ? shardOf(texts, shard) : texts;

  const controller = new AbortController();
  const onInterrupt = () => controller.abort();
  process.once('SIGINT', onInterrupt);
  process.once('SIGTERM', onInterrupt);
  const onProgress = progressPrinter();
  const scorer = await openScorer(modelFilesFromFolder(modelFolder), {
    runtime: nodeRuntime({ threads: wholeNumber(values, 'threads', 1) }),
    dtype: values.get('dtype') as ModelDtype | undefined,
    onProgress,
  });
  const { model } = scorer;
  process.stderr.write(
    `${model.label}: ${model.modelType}, ${model.onnxPath} (${model.dtype}), max length ${model.maxLengthTokens} tokens (from ${model.maxLengthSource}), vocabulary ${model.vocabularySize}\n`,
  );
  let records: ScoreRecord[];
  try {
    records = await scorer.score(scoredHere, {
      store: jsonlStore(target),
      signal: controller.signal,
      onProgress,
      maxBatchSize: values.has('batch-size') ? wholeNumber(values, 'batch-size', 1) : undefined,
    });
  } finally {
    await scorer.release();
    process.off('SIGINT', onInterrupt);
    process.off('SIGTERM', onInterrupt);
  }
  writeRecordsSorted(target, records);
  const truncated = records.filter((record) => record.truncated).length;
  process.stderr.write(`${records.length} texts scored into ${target}; ${truncated} truncated at ${model.maxLengthTokens} tokens.\n`);
  if (shard) {
    const merged = mergeShardsIfComplete(out, shard.count, texts);
    if (merged) process.stderr.write(`All ${shard.count} shards are complete: merged into ${out}.\n`);
  }
  return 0;
}

/** `i/n` → {index: i, count: n}, or null when absent. */
export function parseShard(text: string | undefined): { index: number; count: number } | null {
  if (text === undefined) return null;
  const match = /^(\d+)\/(\d+)$/.exec(text);
  if (!match) throw new LlmapError('invalid-argument', `--shard must be i/n (0-based shard i of n), e.g. 0/4; got "${text}".`);
  const shard = { index: Number(match[1]), count: Number(match[2]) };
  if (shard.count < 1 || shard.index >= shard.count) throw new LlmapError('invalid-argument', `--shard ${text}: i must be below n.`);
  return shard;
}

export function shardPath(out: string, shard: { index: number; count: number }): string {
  return `${out}.shard-${shard.index}-of-${shard.count}`;
}

/**
 * Merges `<out>.shard-i-of-n` into `<out>` when every shard file holds exactly its shard's texts; returns whether it
 * merged. Two shards finishing at once both write the same file through a rename, so the result is the same.
 */
export function mergeShardsIfComplete(out: string, count: number, texts: readonly MapText[]): boolean {
  const merged: ScoreRecord[] = [];
  for (let index = 0; index < count; index++) {
    const path = shardPath(out, { index, count });
    if (!existsSync(path)) return false;
    const records = parseRecordLines(readFileSync(path, 'utf8'), path);
    const expected = new Set(shardOf(texts, { index, count }).map((text) => text.index));
    if (records.length !== expected.size || records.some((record) => !expected.has(record.index))) return false;
    merged.push(...records);
  }
  writeRecordsSorted(out, merged);
  return true;
}
