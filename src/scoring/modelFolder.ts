import { LlmapError } from '../core/errors.ts';
import { inspectOnnxModel, type OnnxModelSummary } from '../onnx/inspectModel.ts';
import { errorText, type ModelFiles } from './modelFiles.ts';

/**
 * Recognises and validates a Hugging Face-layout model folder before anything runs: config, tokenizer files, which
 * ONNX variant to load, its external data, and that the graph is a causal LM with logits. Each failure is an
 * LlmapError whose message says what to do.
 */
export type ModelDtype = 'fp32' | 'fp16' | 'q8' | 'int8' | 'uint8' | 'q4' | 'q4f16' | 'bnb4';

/** transformers.js file names per dtype, in llmap's order of preference (full precision first). */
const ONNX_FILE_BY_DTYPE: ReadonlyArray<readonly [ModelDtype, string]> = [
  ['fp32', 'model.onnx'],
  ['fp16', 'model_fp16.onnx'],
  ['q8', 'model_quantized.onnx'],
  ['int8', 'model_int8.onnx'],
  ['uint8', 'model_uint8.onnx'],
  ['q4', 'model_q4.onnx'],
  ['q4f16', 'model_q4f16.onnx'],
  ['bnb4', 'model_bnb4.onnx'],
];

const ENCODER_ONLY_TYPES = new Set(['bert', 'roberta', 'distilbert', 'albert', 'electra', 'deberta', 'deberta-v2', 'xlm-roberta', 'camembert', 'mpnet', 'modernbert', 'esm']);
const SEQ2SEQ_TYPES = new Set(['t5', 'mt5', 'bart', 'mbart', 'marian', 'pegasus', 'm2m_100', 'led', 'blenderbot', 'blenderbot-small', 'whisper', 'longt5', 'nllb-moe', 'florence2']);

/** How the maximum length was found, per the protocol: the first config field present, else 2048. */
export type MaxLengthSource = 'max_position_embeddings' | 'n_positions' | 'max_sequence_length' | 'default';

export interface ModelFolder {
  readonly label: string;
  readonly modelType: string;
  readonly config: Readonly<Record<string, unknown>>;
  readonly tokenizerJson: Readonly<Record<string, unknown>>;
  readonly tokenizerConfig: Readonly<Record<string, unknown>>;
  readonly dtype: ModelDtype;
  readonly onnxPath: string;
  readonly onnxBytes: Uint8Array;
  readonly externalData: ReadonlyArray<{ readonly path: string; readonly data: Uint8Array }>;
  readonly graph: OnnxModelSummary;
  readonly maxLengthTokens: number;
  readonly maxLengthSource: MaxLengthSource;
  /** One more than the largest token id the tokenizer can produce. */
  readonly tokenizerVocabularySize: number;
}

export async function readModelFolder(files: ModelFiles, options: { dtype?: ModelDtype } = {}): Promise<ModelFolder> {
  const config = await readJson(files, 'config.json', 'Export the model with Optimum (optimum-cli export onnx) or copy its Hugging Face config.json into the folder.');
  const modelType = config.model_type;
  if (typeof modelType !== 'string' || modelType === '') {
    throw new LlmapError('unsupported-model-type', `config.json in "${files.label}" has no model_type, so llmap cannot tell what kind of model it is. Use the config.json the model was exported with.`);
  }
  if (config.is_encoder_decoder === true || SEQ2SEQ_TYPES.has(modelType)) {
    const says = config.is_encoder_decoder === true ? `model_type "${modelType}", is_encoder_decoder true` : `model_type "${modelType}"`;
    throw new LlmapError('not-a-causal-lm', `"${files.label}" is an encoder–decoder model (its config.json says ${says}). llmap maps causal (decoder-only) language models and cannot score a sequence-to-sequence model; choose a decoder-only model (its config.json names a …ForCausalLM architecture).`, { modelType });
  }
  if (ENCODER_ONLY_TYPES.has(modelType)) {
    throw new LlmapError('not-a-causal-lm', `"${files.label}" is an encoder-only model (its config.json says model_type "${modelType}"), which does not predict the next token. llmap maps causal (decoder-only) language models; choose one whose config.json names a …ForCausalLM architecture.`, { modelType });
  }
  const tokenizerJson = await readJson(files, 'tokenizer.json', 'llmap needs the fast-tokenizer file; save it with tokenizer.save_pretrained() in Python transformers.');
  const tokenizerConfig = await readJson(files, 'tokenizer_config.json', 'Save it with tokenizer.save_pretrained(); it names the tokenizer class and its special tokens.');

  const [dtype, onnxPath] = chooseOnnxFile(files, options.dtype);
  const onnxBytes = await files.read(onnxPath);
  let graph: OnnxModelSummary;
  try {
    graph = inspectOnnxModel(onnxBytes);
  } catch (error) {
    throw new LlmapError('corrupt-model', `${onnxPath} in "${files.label}" is not a valid ONNX model (${errorText(error)}). Re-export or re-download it; a partial download looks like this.`, { path: onnxPath });
  }
  checkGraph(graph, files.label, onnxPath);
  const folder = onnxPath.includes('/') ? onnxPath.slice(0, onnxPath.lastIndexOf('/') + 1) : '';
  const externalData = [];
  for (const location of graph.externalDataLocations) {
    const path = folder + location;
    if (!files.paths.includes(path)) {
      throw new LlmapError('missing-external-data', `${onnxPath} keeps its weights in ${location}, which is not in "${files.label}". Add ${path} (drop the whole folder, not only the .onnx file).`, { path });
    }
    externalData.push({ path: location, data: await files.read(path) });
  }
  const { maxLengthTokens, maxLengthSource } = maxLengthOf(config);
  return {
    label: files.label,
    modelType,
    config,
    tokenizerJson,
    tokenizerConfig,
    dtype,
    onnxPath,
    onnxBytes,
    externalData,
    graph,
    maxLengthTokens,
    maxLengthSource,
    tokenizerVocabularySize: tokenizerVocabularySize(tokenizerJson),
  };
}

/** M = config max_position_embeddings, else n_positions, else max_sequence_length, else 2048 (the paper's rule). */
export function maxLengthOf(config: Readonly<Record<string, unknown>>): { maxLengthTokens: number; maxLengthSource: MaxLengthSource } {
  for (const key of ['max_position_embeddings', 'n_positions', 'max_sequence_length'] as const) {
    const value = config[key];
    if (typeof value === 'number' && Number.isInteger(value) && value > 1) return { maxLengthTokens: value, maxLengthSource: key };
  }
  return { maxLengthTokens: 2048, maxLengthSource: 'default' };
}

function chooseOnnxFile(files: ModelFiles, wanted?: ModelDtype): [ModelDtype, string] {
  const candidates = ONNX_FILE_BY_DTYPE.filter(([dtype]) => !wanted || dtype === wanted);
  for (const [dtype, name] of candidates) {
    for (const path of [`onnx/${name}`, name]) if (files.paths.includes(path)) return [dtype, path];
  }
  // Older transformers.js exports of causal LMs (Xenova/*) name the one decoder graph decoder_model_merged.onnx.
  const hasEncoder = files.paths.some((path) => /(^|\/)encoder_model[^/]*\.onnx$/.test(path));
  if (!hasEncoder && (!wanted || wanted === 'fp32')) {
    for (const path of ['onnx/decoder_model_merged.onnx', 'decoder_model_merged.onnx']) if (files.paths.includes(path)) return ['fp32', path];
  }
  const present = files.paths.filter((path) => path.endsWith('.onnx'));
  if (present.some((path) => /encoder_model|decoder_model/.test(path)) && !present.some((path) => /(^|\/)model[^/]*\.onnx$/.test(path))) {
    throw new LlmapError('not-a-causal-lm', `"${files.label}" holds ${present.join(', ')}: an encoder–decoder or split export. Export the causal LM as one graph (optimum-cli export onnx --task text-generation-with-past).`);
  }
  const expected = wanted ? `onnx/${candidates[0][1]}` : 'onnx/model.onnx (or model_fp16.onnx, model_quantized.onnx, model_q4.onnx, …)';
  const found = present.length > 0 ? ` It has ${present.join(', ')}.` : '';
  const advice = wanted ? `Choose a dtype the folder has, or add ${expected}.` : 'Add the model\'s ONNX export under onnx/ (optimum-cli export onnx --task text-generation writes model.onnx).';
  throw new LlmapError('missing-file', `No ONNX model in "${files.label}": expected ${expected}.${found} ${advice}`, { path: wanted ? expected : 'onnx/model.onnx' });
}

function checkGraph(graph: OnnxModelSummary, label: string, onnxPath: string): void {
  const inputNames = graph.inputs.map((input) => input.name);
  if (inputNames.some((name) => /^(encoder_hidden_states|encoder_outputs|decoder_input_ids|encoder_attention_mask)$/.test(name))) {
    throw new LlmapError('not-a-causal-lm', `${onnxPath} in "${label}" is the decoder of an encoder–decoder model (it takes ${inputNames.join(', ')}). llmap scores causal LMs; choose a decoder-only model, exported with optimum-cli export onnx --task text-generation.`);
  }
  if (!inputNames.includes('input_ids')) {
    throw new LlmapError('not-a-causal-lm', `${onnxPath} in "${label}" has no input_ids input (it takes ${inputNames.join(', ') || 'nothing'}), so it is not a text model llmap can score. Export the causal LM with optimum-cli export onnx --task text-generation, which names its token input input_ids.`);
  }
  const logits = graph.outputs.find((output) => output.name === 'logits');
  if (!logits) {
    const names = graph.outputs.map((output) => output.name).join(', ') || 'none';
    throw new LlmapError('no-logits-output', `${onnxPath} in "${label}" has no 'logits' output (it has: ${names}). Export it with a language-modelling head, e.g. optimum-cli export onnx --task text-generation.`);
  }
  if (logits.dims.length !== 3) {
    throw new LlmapError('no-logits-output', `The 'logits' output of ${onnxPath} has ${logits.dims.length} dimensions; a causal LM's logits are [batch, sequence, vocabulary].`);
  }
}

/** One more than the largest id in the tokenizer's vocabulary or its added tokens. */
export function tokenizerVocabularySize(tokenizerJson: Readonly<Record<string, unknown>>): number {
  let largest = -1;
  const model = tokenizerJson.model as { vocab?: unknown } | undefined;
  const vocab = model?.vocab;
  if (Array.isArray(vocab)) largest = vocab.length - 1; // Unigram: [piece, score] pairs, id = position
  else if (vocab && typeof vocab === 'object') for (const id of Object.values(vocab)) if (typeof id === 'number') largest = Math.max(largest, id);
  const added = tokenizerJson.added_tokens;
  if (Array.isArray(added)) for (const token of added) if (typeof token?.id === 'number') largest = Math.max(largest, token.id);
  return largest + 1;
}

async function readJson(files: ModelFiles, path: string, advice: string): Promise<Record<string, unknown>> {
  if (!files.paths.includes(path)) throw new LlmapError('missing-file', `The model folder "${files.label}" has no ${path}. ${advice}`, { path });
  const text = new TextDecoder().decode(await files.read(path));
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not a JSON object');
    return parsed as Record<string, unknown>;
  } catch (error) {
    throw new LlmapError('unreadable-file', `${path} in "${files.label}" is not valid JSON (${errorText(error)}). Replace it with the file the model was exported with.`, { path });
  }
}
