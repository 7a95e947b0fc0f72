import { LlmapError } from '../core/errors.ts';
import { parseArguments, wholeNumber } from './args.ts';
import { mergeShardsIfComplete } from './score.ts';
import { readTexts } from './textsInput.ts';

export const MERGE_USAGE = 'llmap merge --texts <map-dir|texts.jsonl> --out <file.jsonl> --shards n';

/** `llmap merge`: joins the shard files of `llmap score --shard i/n` into one per-model JSONL, checking each is complete. */
export async function mergeCommand(argv: readonly string[]): Promise<number> {
  const { values } = parseArguments(argv, { values: ['texts', 'out', 'shards'] });
  const textsArgument = values.get('texts');
  const out = values.get('out');
  if (!textsArgument || !out || !values.has('shards')) throw new LlmapError('invalid-argument', `Usage: ${MERGE_USAGE}`);
  const count = wholeNumber(values, 'shards', 1);
  if (!mergeShardsIfComplete(out, count, readTexts(textsArgument).texts)) {
    throw new LlmapError('missing-file', `Not every shard of ${out} is complete (${out}.shard-i-of-${count}). Run the missing shards again: each resumes where it stopped.`);
  }
  process.stderr.write(`Merged ${count} shards into ${out}.\n`);
  return 0;
}
