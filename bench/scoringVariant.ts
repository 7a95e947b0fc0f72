import { readFileSync } from 'node:fs';

/**
 * One scoring run in its own process, so its peak memory (maxRSS) is its own:
 *   node --import tsx bench/scoringVariant.ts <llmap-node|llmap-web|naive-transformers> <model-folder> <texts.jsonl>
 * Prints {"textsPerSecond", "maxRssMiB", "sumLogLikelihood"} on stdout; texts per second count the scoring loop only,
 * after the model and tokenizer are loaded.
 */
const [variant, folder, textsPath] = process.argv.slice(2);
const texts = readFileSync(textsPath, 'utf8')
  .trim()
  .split('\n')
  .map((line) => JSON.parse(line) as { index: number; text: string });

async function llmap(runtime: 'node' | 'web'): Promise<number[]> {
  // Imported here, so each variant's process loads only the runtime it measures.
  const { modelFilesFromFolder } = await import('../src/scoring/node/folderFiles.ts');
  const { openScorer } = await import('../src/scoring/scoreModel.ts');
  const { nodeRuntime } = await import('../src/scoring/node/nodeRuntime.ts');
  const { webRuntime } = await import('../src/scoring/webRuntime.ts');
  const scorer = await openScorer(modelFilesFromFolder(folder), {
    runtime: runtime === 'node' ? nodeRuntime({ threads: 1 }) : webRuntime({ device: 'wasm', threads: 1 }),
  });
  started = performance.now();
  const records = await scorer.score(texts);
  await scorer.release();
  return records.map((record) => record.logLikelihoodNats);
}

/** The loop a user would write with transformers.js: full logits copied out, log-softmax in JavaScript. */
async function naiveTransformers(): Promise<number[]> {
  const { AutoModelForCausalLM, AutoTokenizer, env } = await import('@huggingface/transformers');
  env.allowRemoteModels = false;
  env.localModelPath = `${folder.replace(/\/[^/]+\/?$/, '')}/`;
  const name = folder.replace(/\/$/, '').split('/').pop()!;
  const tokenizer = await AutoTokenizer.from_pretrained(name);
  const model = await AutoModelForCausalLM.from_pretrained(name, { dtype: 'fp32', device: 'cpu', session_options: { intraOpNumThreads: 1 } });
  const sums: number[] = [];
  started = performance.now();
  for (const { text } of texts) {
    const inputs = tokenizer(text, { truncation: true, max_length: 1024 });
    const ids = Array.from(inputs.input_ids.data as BigInt64Array, Number);
    const { logits } = await model(inputs);
    const data = logits.data as Float32Array;
    const vocabulary = logits.dims[2];
    let sum = 0;
    for (let t = 0; t + 1 < ids.length; t++) {
      let largest = -Infinity;
      for (let v = 0; v < vocabulary; v++) largest = Math.max(largest, data[t * vocabulary + v]);
      let total = 0;
      for (let v = 0; v < vocabulary; v++) total += Math.exp(data[t * vocabulary + v] - largest);
      sum += data[t * vocabulary + ids[t + 1]] - largest - Math.log(total);
    }
    sums.push(sum);
  }
  await model.dispose();
  return sums;
}

/** Set when loading is done: only the scoring loop is timed. */
let started = performance.now();
const sums = variant === 'naive-transformers' ? await naiveTransformers() : await llmap(variant === 'llmap-web' ? 'web' : 'node');
const seconds = (performance.now() - started) / 1000;
process.stdout.write(
  `${JSON.stringify({ textsPerSecond: texts.length / seconds, maxRssMiB: process.resourceUsage().maxRSS / 1024, sumLogLikelihood: sums.reduce((a, b) => a + b, 0) })}\n`,
);
