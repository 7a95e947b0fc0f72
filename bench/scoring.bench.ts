import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { writeFolder } from '../tests/fixtures/makeModels.ts';
import { BYTE_VOCAB_SIZE, GPT2_BPE_VOCAB_SIZE, type FixtureModel } from '../tests/fixtures/models/specs.ts';
import { browserWasmTextsPerSecond } from './browserScoring.ts';
import type { BenchResult } from './result.ts';

const root = fileURLToPath(new URL('../', import.meta.url));
const work = `${root}tests/output/bench-scoring`;

/** The two benchmark decoders the scoring issue names: a d=128, 4-layer byte model and a GPT-2-vocabulary model. */
const BENCH_MODELS: FixtureModel[] = [
  {
    name: 'bench-gpt2-byte-d128-l4',
    layout: 'gpt2',
    seed: 11,
    tiedHead: false,
    kvCache: false,
    maxPositions: 1024,
    tokenizer: { kind: 'byte', addBos: false },
    shape: { vocabSize: BYTE_VOCAB_SIZE, hiddenSize: 128, layers: 4, heads: 4, innerSize: 512, layerNormEpsilon: 1e-5 },
  },
  {
    name: 'bench-gpt2-bpe-d64-l2',
    layout: 'gpt2',
    seed: 12,
    tiedHead: true,
    kvCache: false,
    maxPositions: 1024,
    tokenizer: { kind: 'gpt2-bpe' },
    shape: { vocabSize: GPT2_BPE_VOCAB_SIZE, hiddenSize: 64, layers: 2, heads: 4, innerSize: 256, layerNormEpsilon: 1e-5 },
  },
];

/** 24 English-like texts of about 900 bytes, made here. */
function benchTexts(): string {
  const words = 'the of model text map a likelihood language vector near far token byte score place kind reference new'.split(' ');
  return Array.from({ length: 24 }, (_, index) => {
    let text = '';
    for (let k = 0; text.length < 880; k++) text += `${words[(index * 5 + k * 7 + (k >> 3)) % words.length]}${k % 11 === 10 ? '. ' : ' '}`;
    return JSON.stringify({ index, text: text.trim() });
  }).join('\n');
}

function run(variant: string, folder: string, textsPath: string): { textsPerSecond: number; maxRssMiB: number } {
  const child = spawnSync(process.execPath, ['--import', 'tsx', `${root}bench/scoringVariant.ts`, variant, folder, textsPath], { cwd: root, encoding: 'utf8' });
  if (child.status !== 0) throw new Error(`${variant} failed: ${child.stderr}`);
  return JSON.parse(child.stdout.trim().split('\n').pop()!);
}

/**
 * Scoring throughput and peak memory, each variant in its own process, one thread: llmap on onnxruntime-node and on
 * onnxruntime-web (WASM, in Node), and a naive transformers.js loop that copies the full logits out and does the
 * log-softmax in JavaScript. The ratios are printed as ms per text against the comparison's ms per text.
 */
export async function benchScoring(): Promise<BenchResult[]> {
  mkdirSync(work, { recursive: true });
  const textsPath = `${work}/texts.jsonl`;
  writeFileSync(textsPath, `${benchTexts()}\n`);
  const results: BenchResult[] = [];
  for (const spec of BENCH_MODELS) {
    const folder = `${work}/${spec.name}`;
    writeFolder(folder, spec, 'bench');
    const node = run('llmap-node', folder, textsPath);
    const web = run('llmap-web', folder, textsPath);
    const naive = run('naive-transformers', folder, textsPath);
    const texts = readFileSync(textsPath, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { index: number; text: string });
    const browserTextsPerSecond = await browserWasmTextsPerSecond(root, `/tests/output/bench-scoring/${spec.name}/`, texts);
    const msPerText = (r: { textsPerSecond: number }) => 1000 / r.textsPerSecond;
    // Targets: WASM at ≥ 0.8× node's texts/s, i.e. ≤ 1.25× its ms per text; llmap ≥ 2× the naive loop's speed.
    results.push(
      { name: `${spec.name}: llmap, onnxruntime-node (ms/text; peak ${node.maxRssMiB.toFixed(0)} MiB)`, ms: msPerText(node) },
      { name: `${spec.name}: llmap, onnxruntime-web WASM in Node (ms/text; target 1.25× node; peak ${web.maxRssMiB.toFixed(0)} MiB)`, ms: msPerText(web), targetMs: 1.25 * msPerText(node) },
      ...(browserTextsPerSecond === null
        ? []
        : [{ name: `${spec.name}: llmap, Chromium worker WASM (ms/text; target 1.25× node)`, ms: 1000 / browserTextsPerSecond, targetMs: 1.25 * msPerText(node) }]),
      { name: `${spec.name}: naive transformers.js loop (ms/text; peak ${naive.maxRssMiB.toFixed(0)} MiB)`, ms: msPerText(naive) },
      { name: `${spec.name}: llmap node vs naive (ms/text; target ½ of naive)`, ms: msPerText(node), targetMs: msPerText(naive) / 2 },
    );
  }
  return results;
}
