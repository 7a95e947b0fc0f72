import type { InferenceSession } from 'onnxruntime-common';
import { LlmapError } from '../core/errors.ts';
import { appendTokenLogProbs, TOKEN_LOG_PROBS_OUTPUT } from '../onnx/appendTokenLogProbs.ts';
import { maxBatchTokensFor, planBatches } from './batches.ts';
import { buildFeeds } from './feeds.ts';
import type { ModelFiles } from './modelFiles.ts';
import { readModelFolder, type ModelDtype, type ModelFolder } from './modelFolder.ts';
import { memoryStore, type ResultStore, type ScoreRecord } from './records.ts';
import { runtimeError, type DeviceInfo, type ScoringRuntime } from './runtime.ts';
import { createTokenizer, type ScoringTokenizer } from './tokenizer.ts';

export interface ScoringText {
  readonly index: number;
  readonly text: string;
}

/** Progress as plain serialisable values, tagged by kind, so a worker can post it as it is. */
export type ScoringProgress =
  | { readonly kind: 'loading'; readonly stage: 'reading-files' | 'creating-session' | 'tokenizing' }
  | { readonly kind: 'scoring'; readonly textsDone: number; readonly textsTotal: number; readonly tokensPerSecond: number; readonly etaSeconds: number; readonly device: DeviceInfo };

export interface OpenScorerOptions {
  readonly runtime: ScoringRuntime;
  /** Which ONNX variant to load; default the first present of fp32, fp16, q8, …. */
  readonly dtype?: ModelDtype;
  readonly onProgress?: (progress: ScoringProgress) => void;
}

export interface ScoreTextsOptions {
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: ScoringProgress) => void;
  /** Finished texts are appended here and skipped on the next run (resume). Default: memory only. */
  readonly store?: ResultStore;
  /** Most padded tokens per batch; default from a 256 MiB logits budget. */
  readonly maxBatchTokens?: number;
  /**
   * Most texts per batch. Default 1 on CPU and WASM, where padding costs more than batching saves (measured in
   * `npm run bench`), and 8 on WebGPU.
   */
  readonly maxBatchSize?: number;
}

/** What a model is, as far as scoring goes: shown to the user before and while it scores. */
export interface ModelDescription {
  readonly label: string;
  readonly modelType: string;
  readonly dtype: ModelDtype;
  readonly onnxPath: string;
  readonly maxLengthTokens: number;
  readonly maxLengthSource: ModelFolder['maxLengthSource'];
  readonly vocabularySize: number;
  readonly device: DeviceInfo;
}

export interface Scorer {
  readonly model: ModelDescription;
  /** Scores the texts in the given order (the order is the priority), skipping those the store already has. */
  score(texts: readonly ScoringText[], options?: ScoreTextsOptions): Promise<ScoreRecord[]>;
  release(): Promise<void>;
}

/**
 * Opens a model folder for scoring: validates it, builds its tokenizer, fuses log-softmax and the next-token gather
 * into its graph, creates the session on the runtime's device and checks the vocabulary.
 */
export async function openScorer(files: ModelFiles, options: OpenScorerOptions): Promise<Scorer> {
  options.onProgress?.({ kind: 'loading', stage: 'reading-files' });
  const folder = await readModelFolder(files, { dtype: options.dtype });
  const tokenizer = createTokenizer(folder.tokenizerJson, folder.tokenizerConfig as Record<string, unknown>, `"${folder.label}"`);
  options.onProgress?.({ kind: 'loading', stage: 'creating-session' });
  const fused = appendTokenLogProbs(folder.onnxBytes, folder.graph);
  let created: { session: InferenceSession; device: DeviceInfo };
  try {
    created = await options.runtime.createSession(fused, folder.externalData);
  } catch (error) {
    throw runtimeError(error, `while loading ${folder.onnxPath}`);
  }
  const { session, device } = created;
  const vocabularySize = await logitsWidth(folder, session, options.runtime);
  if (folder.tokenizerVocabularySize > vocabularySize) {
    await session.release();
    throw new LlmapError(
      'vocabulary-mismatch',
      `The tokenizer of "${folder.label}" has ${folder.tokenizerVocabularySize} tokens but the model's logits have ${vocabularySize}: they do not belong together. Use the tokenizer.json the model was trained with.`,
      { tokenizerVocabularySize: folder.tokenizerVocabularySize, logitsWidth: vocabularySize },
    );
  }
  const model: ModelDescription = {
    label: folder.label,
    modelType: folder.modelType,
    dtype: folder.dtype,
    onnxPath: folder.onnxPath,
    maxLengthTokens: folder.maxLengthTokens,
    maxLengthSource: folder.maxLengthSource,
    vocabularySize,
    device,
  };
  return {
    model,
    score: (texts, scoreOptions = {}) => scoreTexts(session, folder, tokenizer, model, options.runtime, texts, scoreOptions),
    release: () => session.release(),
  };
}

/** One call: open the folder, score the texts, release the session. */
export async function scoreModel(files: ModelFiles, texts: readonly ScoringText[], options: OpenScorerOptions & ScoreTextsOptions): Promise<ScoreRecord[]> {
  const scorer = await openScorer(files, options);
  try {
    return await scorer.score(texts, options);
  } finally {
    await scorer.release();
  }
}

async function scoreTexts(
  session: InferenceSession,
  folder: ModelFolder,
  tokenizer: ScoringTokenizer,
  model: ModelDescription,
  runtime: ScoringRuntime,
  texts: readonly ScoringText[],
  options: ScoreTextsOptions,
): Promise<ScoreRecord[]> {
  const store = options.store ?? memoryStore();
  const wanted = new Set(texts.map((text) => text.index));
  const done = new Map<number, ScoreRecord>();
  for (const record of await store.load()) if (wanted.has(record.index)) done.set(record.index, record);
  const remaining = texts.filter((text) => !done.has(text.index));

  options.onProgress?.({ kind: 'loading', stage: 'tokenizing' });
  const encoded = remaining.map((text) => {
    const { ids, truncated } = tokenizer.encode(text.text, folder.maxLengthTokens);
    const tooLarge = ids.find((id) => id >= model.vocabularySize || id < 0);
    if (tooLarge !== undefined) {
      throw new LlmapError('vocabulary-mismatch', `Text ${text.index} tokenises to id ${tooLarge}, but the model's logits have only ${model.vocabularySize} entries. The tokenizer does not belong to this model.`);
    }
    return { index: text.index, ids, truncated };
  });
  const batches = planBatches(
    encoded.map((text) => text.ids.length),
    { maxBatchTokens: options.maxBatchTokens ?? maxBatchTokensFor(model.vocabularySize), maxBatchSize: options.maxBatchSize ?? (model.device.backend === 'webgpu' ? 8 : 1) },
  );
  const totalTokens = encoded.reduce((sum, text) => sum + text.ids.length, 0);
  const started = Date.now();
  let tokensDone = 0;
  const report = () => {
    const elapsedSeconds = Math.max((Date.now() - started) / 1000, 1e-3);
    const tokensPerSecond = tokensDone / elapsedSeconds;
    options.onProgress?.({
      kind: 'scoring',
      textsDone: done.size,
      textsTotal: texts.length,
      tokensPerSecond,
      etaSeconds: tokensDone >= totalTokens ? 0 : tokensPerSecond > 0 ? (totalTokens - tokensDone) / tokensPerSecond : Number.POSITIVE_INFINITY,
      device: model.device,
    });
  };
  report();
  for (const batch of batches) {
    if (options.signal?.aborted) {
      throw new LlmapError('cancelled', `Scoring was cancelled after ${done.size} of ${texts.length} texts; the finished ones are kept and a new run resumes from them.`);
    }
    const members = batch.map((position) => encoded[position]);
    // A text of fewer than 2 tokens has nothing to score (the first token never is): ℓ = 0 without running the model.
    const scorable = members.filter((text) => text.ids.length >= 2);
    const trivial = members.filter((text) => text.ids.length < 2).map((text) => ({ index: text.index, numTokens: text.ids.length, logLikelihoodNats: 0, truncated: text.truncated }));
    const records = [...trivial, ...(scorable.length > 0 ? await scoreBatch(session, folder, runtime, scorable) : [])];
    await store.append(records);
    for (const record of records) done.set(record.index, record);
    tokensDone += members.reduce((sum, text) => sum + text.ids.length, 0);
    report();
  }
  return [...done.values()].sort((a, b) => a.index - b.index);
}

async function scoreBatch(
  session: InferenceSession,
  folder: ModelFolder,
  runtime: ScoringRuntime,
  members: ReadonlyArray<{ index: number; ids: readonly number[]; truncated: boolean }>,
): Promise<ScoreRecord[]> {
  const where = `on texts ${members.map((text) => text.index).join(', ')}`;
  let tokenLogProbs: Float32Array;
  const length = Math.max(...members.map((text) => text.ids.length));
  try {
    const feeds = buildFeeds(folder.graph, runtime.Tensor, members.map((text) => text.ids));
    const outputs = await session.run(feeds, [TOKEN_LOG_PROBS_OUTPUT]);
    tokenLogProbs = outputs[TOKEN_LOG_PROBS_OUTPUT].data as Float32Array;
  } catch (error) {
    throw runtimeError(error, where);
  }
  return members.map((text, b) => {
    let logLikelihoodNats = 0;
    // Position t holds log p(token_{t+1} | tokens_≤t): the first token is never scored.
    for (let t = 0; t + 1 < text.ids.length; t++) {
      const logProb = tokenLogProbs[b * length + t];
      if (!Number.isFinite(logProb)) {
        throw new LlmapError(
          'non-finite-logits',
          `The model produced ${logProb} as a log-probability in text ${text.index} at token ${t + 1}. Its logits are not finite: the weights may be damaged, or float16 overflowed — try the fp32 variant.`,
          { index: text.index, token: t + 1 },
        );
      }
      logLikelihoodNats += logProb;
    }
    return { index: text.index, numTokens: text.ids.length, logLikelihoodNats, truncated: text.truncated };
  });
}

/** The logits' last dimension: from the graph when fixed, else from one 2-token run. */
async function logitsWidth(folder: ModelFolder, session: InferenceSession, runtime: ScoringRuntime): Promise<number> {
  const declared = folder.graph.outputs.find((output) => output.name === 'logits')?.dims[2];
  if (typeof declared === 'number') return declared;
  try {
    const outputs = await session.run(buildFeeds(folder.graph, runtime.Tensor, [[0, 0]]), ['logits']);
    return outputs.logits.dims[2];
  } catch (error) {
    throw runtimeError(error, 'on a first 2-token test run');
  }
}
