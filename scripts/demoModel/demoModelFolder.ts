import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { BYTE_SPECIAL_IDS, byteTokenizerConfig, byteTokenizerJson } from '../../src/convert/byteTokenizer.ts';
import { buildBigramModel } from '../../src/onnx/bigramGraph.ts';
import { demoCorpus } from './demoCorpus.ts';
import { trainByteBigram, type ByteBigram } from './trainByteBigram.ts';

/**
 * The "Try the demo model" model: a byte bigram llmap trains itself on its own prose (demoCorpus.ts), written as a
 * Hugging Face-layout ONNX folder that llmap scores like any dropped model, plus `manifest.json`, the list of files
 * the page fetches. Deterministic: the same sources give the same bytes; unchanged files are not rewritten.
 */

export const DEMO_MODEL_ID = 'demo-bigram';
/** Context written to config.json (`n_positions`): long enough that no map text is truncated. */
const DEMO_CONTEXT_TOKENS = 1024;
const DEMO_ALPHA = 0.1;

/** manifest.json: what the page needs to fetch the folder and describe the model. */
export interface DemoManifest {
  readonly id: string;
  readonly label: string;
  readonly description: string;
  readonly files: ReadonlyArray<{ readonly path: string; readonly bytes: number }>;
  readonly training: { readonly alpha: number; readonly corpusFiles: number; readonly corpusBytes: number };
}

export interface DemoModelBuild {
  readonly folder: string;
  readonly manifest: DemoManifest;
  readonly model: ByteBigram;
  /** Files whose bytes changed (and were written) in this run. */
  readonly written: readonly string[];
}

/** The folder's files in memory, from a trained bigram. */
export function demoModelFiles(model: ByteBigram, corpus: { files: number; bytes: number }): Map<string, Uint8Array> {
  const json = (value: unknown) => new TextEncoder().encode(`${JSON.stringify(value, null, 2)}\n`);
  const config = {
    model_type: 'gpt2',
    architectures: ['GPT2LMHeadModel'],
    vocab_size: model.vocabularySize,
    n_positions: DEMO_CONTEXT_TOKENS,
    n_ctx: DEMO_CONTEXT_TOKENS,
    use_cache: false,
    bos_token_id: BYTE_SPECIAL_IDS.bos,
    eos_token_id: BYTE_SPECIAL_IDS.eos,
    pad_token_id: BYTE_SPECIAL_IDS.pad,
    llmap_model: {
      kind: 'byte-bigram',
      note: "Not a GPT-2: a bigram table (one Gather) in GPT-2's folder layout, so any transformers.js-style loader reads it.",
      alpha: DEMO_ALPHA,
      trainedOn: `llmap's own README files and source comments (${corpus.files} files, ${corpus.bytes} bytes)`,
    },
  };
  return new Map([
    ['config.json', json(config)],
    ['tokenizer.json', new TextEncoder().encode(JSON.stringify(byteTokenizerJson(true)))],
    ['tokenizer_config.json', json(byteTokenizerConfig(true, DEMO_CONTEXT_TOKENS))],
    ['onnx/model.onnx', buildBigramModel(model.logProbsByPrevious, model.vocabularySize)],
  ]);
}

/** Trains the demo bigram on the repository's own prose and writes it, with manifest.json, into `outDir`. */
export function buildDemoModel(repoRoot: string, outDir = join(repoRoot, 'public', 'models', DEMO_MODEL_ID)): DemoModelBuild {
  const corpus = demoCorpus(repoRoot);
  const corpusBytes = corpus.reduce((sum, document) => sum + document.bytes.length, 0);
  const model = trainByteBigram(corpus.map((document) => document.bytes), DEMO_ALPHA);
  const files = demoModelFiles(model, { files: corpus.length, bytes: corpusBytes });
  const manifest: DemoManifest = {
    id: DEMO_MODEL_ID,
    label: 'llmap demo: byte bigram',
    description:
      `A byte-level bigram model (add-${DEMO_ALPHA} smoothing) that llmap trains itself on its own README and source ` +
      `comments (${corpus.length} files, ${corpusBytes.toLocaleString('en')} bytes) — not on the map's texts.`,
    files: [...files].map(([path, bytes]) => ({ path, bytes: bytes.length })),
    training: { alpha: DEMO_ALPHA, corpusFiles: corpus.length, corpusBytes },
  };
  files.set('manifest.json', new TextEncoder().encode(`${JSON.stringify(manifest, null, 2)}\n`));
  const written: string[] = [];
  for (const [path, bytes] of files) {
    const target = join(outDir, path);
    if (existsSync(target) && Buffer.compare(readFileSync(target), bytes) === 0) continue;
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, bytes);
    written.push(path);
  }
  return { folder: outDir, manifest, model, written };
}
