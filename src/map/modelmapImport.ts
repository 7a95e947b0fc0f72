import { LlmapError } from '../core/errors.ts';
import { PAPER_CLIP_RULE } from '../core/frame.ts';
import { quantile } from '../core/quantile.ts';
import type { BuildMapInput, ModelMetadata } from './buildMap.ts';
import { readPickle, type NumpyArray, type PickleValue } from './pickle.ts';

/** The released files of shimo-lab/modelmap (Oyama et al. 2025, `1000models/data/`), as bytes, and the parsed texts. */
export interface ModelmapFiles {
  /**
   * One of: model-data-1018.pkl (a list of per-model dicts with model_name, model_type, model_size, created_at,
   * downloads, tags, 'log-likelihood-10k', mean_logp, score_v1_*); log-likelihood_1018.pkl (a dict model name →
   * vector); or one K×N array whose rows `nameTypeColor` names, in its order.
   */
  readonly modelData: Uint8Array;
  readonly modelDataName?: string;
  /** name_type_color_1018.pkl: {'data_info', 'data': [(model_name, modeltype_fig1, (r, g, b, a), modeltype_table7)]}. */
  readonly nameTypeColor?: Uint8Array;
  readonly nameTypeColorName?: string;
  /** texts-10k-pile.jsonl parsed (category = pile_set_name); vector position k is the text of the k-th smallest index. */
  readonly texts: BuildMapInput['texts'];
}

/** How the stored matrix relates to the paper's clip: a clip at a quantile leaves many entries equal to the minimum. */
export interface StoredClip {
  readonly alreadyClipped: boolean;
  readonly minimumNats: number;
  readonly entriesAtMinimum: number;
  readonly entryCount: number;
  /** τ by the paper's rule (pooled 2% quantile) on the stored matrix: the τ the map will use. */
  readonly paperThresholdNats: number;
}

export interface ModelmapImport {
  readonly input: Pick<BuildMapInput, 'models' | 'scoring' | 'scoreRanges' | 'clipRule'>;
  readonly form: 'model-data' | 'log-likelihood-dict' | 'matrix';
  readonly storedClip: StoredClip;
  /** Things a reader should know that are not about scoring (models the name-type file does not list). */
  readonly warnings: readonly string[];
}

/** A stored matrix counts as clipped when ≥ 1% of its entries (half the paper's 2%) sit exactly at its minimum. */
const CLIPPED_FRACTION_AT_MINIMUM = 0.01;
const SCORE_PREFIX = 'score_v1_';
const VECTOR_KEYS = ['raw_log-likelihood-10k', 'log-likelihood-10k'];
const HANDLED_KEYS = new Set(['model_name', 'model_type', 'model_size', ...VECTOR_KEYS]);

/**
 * What buildMap needs, from the modelmap release: per-model records in text order, metadata (id and name = the
 * Hugging Face name, family = model_type, parent = the one base_model its tags name when that model is on the map,
 * licence from its license: tag, parameters = model_size × 10⁹, the rest kept as extra fields) and known scores
 * (score_v1_*, predictions clipped to [0, 100] as the paper does).
 *
 * Clipping: the release's 'log-likelihood-10k' is taken to be already clipped at the pooled 2% quantile. The
 * paper's own prediction code (code_for_Section_5_and_Appendix_L/src_pred_perform/train_and_pred.py) double-centres
 * it without clipping, while the later code reads 'raw_log-likelihood-10k' and clips it at 2% itself. The import
 * checks this on the data (StoredClip), prefers 'raw_log-likelihood-10k' when a record has it, applies the paper
 * rule regardless and says in the map's scoring notes what it found.
 */
export function importModelmap(files: ModelmapFiles): ModelmapImport {
  const dataName = files.modelDataName ?? 'the modelmap model data';
  const typeName = files.nameTypeColorName ?? 'the name-type-colour file';
  const nameTypes = files.nameTypeColor ? readNameTypes(readPickle(files.nameTypeColor, typeName), typeName) : undefined;
  const { form, key, rows } = readRows(readPickle(files.modelData, dataName), dataName, nameTypes);
  const textCount = files.texts.length;
  const textIndices = files.texts.map((text) => text.index).sort((a, b) => a - b);
  for (const row of rows) {
    if (row.vector.length !== textCount) {
      throw new LlmapError('shape-mismatch', `${dataName} holds ${row.vector.length} log-likelihoods for ${row.name}, but the texts file has ${textCount} texts; use the texts file these vectors were scored on (texts-10k-pile.jsonl for the release).`, { model: row.name });
    }
    const bad = row.vector.findIndex((value) => !Number.isFinite(value));
    if (bad >= 0) throw new LlmapError('non-finite-value', `${dataName}: the log-likelihood of ${row.name} on text position ${bad} is ${row.vector[bad]}; every entry must be a finite number of nats.`, { model: row.name, position: bad });
  }
  const storedClip = inspectClip(rows.map((row) => row.vector));
  const ids = new Set(rows.map((row) => row.name));
  const warnings = nameTypes ? rows.filter((row) => !nameTypes.has(row.name)).map((row) => `${typeName} does not list ${row.name}; its family comes from ${dataName} or is "unknown".`) : [];
  const scoreNames = new Set<string>();
  const models = rows.map((row) => {
    const metadata = describeModel(row.name, row.fields, nameTypes?.get(row.name), ids);
    for (const name of Object.keys(metadata.scores ?? {})) scoreNames.add(name);
    return { metadata, records: Array.from(row.vector, (logLikelihoodNats, k) => ({ index: textIndices[k], logLikelihoodNats })) };
  });
  const scoring: BuildMapInput['scoring'] = {
    protocol:
      'Oyama et al. 2025 (modelmap): each model with its own tokenizer and default special tokens, truncated at its maximum length (max_position_embeddings, else n_positions, else max_sequence_length, else 2048), first token unscored, fp16 weights, log-probabilities summed in nats',
    longTextRule: 'truncate',
    unknownCharacterPolicy: 'none declared',
    notes: [
      `Imported from the modelmap release (shimo-lab/modelmap) ${dataName}: ${rows.length} models × ${textCount} texts${key ? `, key '${key}'` : ''}; vector position k is the text with the k-th smallest index.`,
      clipNote(storedClip),
    ],
  };
  return {
    input: { models, scoring, clipRule: PAPER_CLIP_RULE, scoreRanges: Object.fromEntries([...scoreNames].sort().map((name) => [name, { min: 0, max: 100 }])) },
    form,
    storedClip,
    warnings,
  };
}

interface NameType {
  readonly modeltypeFig1: PickleValue;
  readonly color: PickleValue;
  readonly modeltypeTable7: PickleValue;
}

interface Row {
  readonly name: string;
  readonly vector: Float64Array;
  readonly fields: ReadonlyMap<PickleValue, PickleValue>;
}

function readNameTypes(value: PickleValue, source: string): Map<string, NameType> {
  const data = value instanceof Map ? value.get('data') : undefined;
  if (!Array.isArray(data)) throw new LlmapError('unreadable-file', `${source} is not a name-type-colour file: it needs a dict with "data", a list of (model_name, modeltype_fig1, color, modeltype_table7).`);
  return new Map(
    (data as PickleValue[]).map((entry, k) => {
      if (!Array.isArray(entry) || typeof entry[0] !== 'string') throw new LlmapError('unreadable-file', `Entry ${k} of "data" in ${source} is not a (model_name, modeltype_fig1, color, modeltype_table7) tuple.`);
      return [entry[0] as string, { modeltypeFig1: entry[1], color: entry[2], modeltypeTable7: entry[3] }];
    }),
  );
}

function readRows(value: PickleValue, source: string, nameTypes?: Map<string, NameType>): { form: ModelmapImport['form']; key: string | null; rows: Row[] } {
  const noFields = new Map<PickleValue, PickleValue>();
  if (Array.isArray(value) && value.length > 0 && value.every((entry) => entry instanceof Map)) {
    const records = value as ReadonlyMap<PickleValue, PickleValue>[];
    const key = VECTOR_KEYS.find((candidate) => records.every((record) => record.has(candidate)));
    if (!key) throw new LlmapError('unreadable-file', `${source} is a list of model records, but not all of them hold 'log-likelihood-10k' (keys of the first: ${[...records[0].keys()].map(String).join(', ')}).`);
    const rows = records.map((record, k) => {
      const name = record.get('model_name');
      if (typeof name !== 'string') throw new LlmapError('unreadable-file', `Record ${k} of ${source} has no string model_name.`);
      return { name, vector: asVector(record.get(key) as PickleValue, `${key} of ${name} in ${source}`), fields: record };
    });
    return { form: 'model-data', key, rows };
  }
  if (value instanceof Map && value.size > 0 && [...value.keys()].every((name) => typeof name === 'string')) {
    const rows = [...value].map(([name, vector]) => ({ name: name as string, vector: asVector(vector, `the vector of ${String(name)} in ${source}`), fields: noFields }));
    return { form: 'log-likelihood-dict', key: null, rows };
  }
  if (isArray(value) && value.shape.length === 2) {
    const [modelCount, textCount] = value.shape;
    const names = nameTypes ? [...nameTypes.keys()] : [];
    if (names.length !== modelCount) {
      throw new LlmapError('shape-mismatch', `${source} is a ${modelCount} × ${textCount} matrix; its rows need names, in order, from a name-type-colour file with ${modelCount} entries (got ${names.length}): pass --name-type-pkl.`);
    }
    const rows = names.map((name, i) => ({ name, vector: value.values.slice(i * textCount, (i + 1) * textCount), fields: noFields }));
    return { form: 'matrix', key: null, rows };
  }
  throw new LlmapError('unreadable-file', `${source} is none of the modelmap forms: a list of model records with 'log-likelihood-10k' (model-data-1018.pkl), a dict model name → vector (log-likelihood_1018.pkl) or a models × texts array.`);
}

function isArray(value: PickleValue): value is NumpyArray {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'ndarray';
}

function asVector(value: PickleValue, what: string): Float64Array {
  if (isArray(value) && value.shape.length === 1) return value.values;
  if (Array.isArray(value) && value.every((v) => typeof v === 'number')) return Float64Array.from(value as number[]);
  throw new LlmapError('unreadable-file', `${what} is not a one-dimensional array of numbers.`);
}

function inspectClip(vectors: readonly Float64Array[]): StoredClip {
  const pooled = new Float64Array(vectors.reduce((sum, vector) => sum + vector.length, 0));
  let offset = 0;
  for (const vector of vectors) {
    pooled.set(vector, offset);
    offset += vector.length;
  }
  let minimumNats = Infinity;
  let entriesAtMinimum = 0;
  for (const value of pooled) {
    if (value < minimumNats) [minimumNats, entriesAtMinimum] = [value, 0];
    if (value === minimumNats) entriesAtMinimum++;
  }
  const entryCount = pooled.length;
  const alreadyClipped = entriesAtMinimum >= 2 && entriesAtMinimum >= CLIPPED_FRACTION_AT_MINIMUM * entryCount;
  return { alreadyClipped, minimumNats, entriesAtMinimum, entryCount, paperThresholdNats: quantile(pooled, 0.02) };
}

function clipNote(clip: StoredClip): string {
  const share = `${clip.entriesAtMinimum} of ${clip.entryCount} entries (${((100 * clip.entriesAtMinimum) / clip.entryCount).toFixed(2)}%)`;
  if (!clip.alreadyClipped) {
    return `The stored log-likelihoods are not clipped (${share} equal the minimum, ${clip.minimumNats} nats); the map clips them by the paper's rule, τ = pooled 2% quantile = ${clip.paperThresholdNats} nats.`;
  }
  return (
    `The stored log-likelihoods are already clipped: ${share} equal their minimum, ${clip.minimumNats} nats, as a clip at the pooled 2% quantile leaves them. ` +
    `The map clips them again by the paper's rule, τ = pooled 2% quantile of the stored matrix = ${clip.paperThresholdNats} nats. ` +
    `Clipping twice at the same quantile is idempotent only approximately: the quantile of a clipped matrix interpolates between the first clip's τ and the next larger stored value, ` +
    `so τ rose by ${clip.paperThresholdNats - clip.minimumNats} nats and the ${clip.entriesAtMinimum} clipped entries moved up with it.`
  );
}

function describeModel(name: string, fields: ReadonlyMap<PickleValue, PickleValue>, nameType: NameType | undefined, ids: ReadonlySet<string>): ModelMetadata {
  const tags = fields.get('tags');
  const tagList = Array.isArray(tags) ? (tags as PickleValue[]).filter((tag): tag is string => typeof tag === 'string') : [];
  const licence = tagList.find((tag) => tag.startsWith('license:'))?.slice('license:'.length);
  const bases = [...new Set(tagList.filter((tag) => tag.startsWith('base_model:')).map((tag) => tag.slice(tag.lastIndexOf(':') + 1)))];
  const family = [fields.get('model_type'), nameType?.modeltypeTable7, nameType?.modeltypeFig1].find((type): type is string => typeof type === 'string' && type !== '');
  const size = fields.get('model_size');
  const scores: Record<string, number> = {};
  const extra: Record<string, unknown> = {};
  for (const [key, value] of fields) {
    if (typeof key !== 'string' || HANDLED_KEYS.has(key)) continue;
    if (key.startsWith(SCORE_PREFIX)) {
      if (typeof value === 'number' && Number.isFinite(value)) scores[key.slice(SCORE_PREFIX.length)] = value;
      continue;
    }
    const json = toJson(value);
    if (json !== undefined) extra[key] = json;
  }
  if (nameType) {
    for (const [key, value] of [['modeltype_fig1', nameType.modeltypeFig1], ['color', nameType.color], ['modeltype_table7', nameType.modeltypeTable7]] as const) {
      const json = toJson(value);
      if (json !== undefined) extra[key] = json;
    }
  }
  return {
    ...extra,
    id: name,
    name,
    family: family ?? 'unknown',
    parent: bases.length === 1 && bases[0] !== name && ids.has(bases[0]) ? bases[0] : null,
    parameters: typeof size === 'number' && Number.isFinite(size) ? size * 1e9 : null,
    trainingData: null,
    source: `Hugging Face: ${name}`,
    licence: licence ?? 'see the model card',
    ...(Object.keys(scores).length > 0 ? { scores } : {}),
  };
}

/** A JSON value for map.json (NaN and ±Infinity become null), or undefined to leave it out: bytes, arrays of over 64 numbers. */
function toJson(value: PickleValue, depth = 0): unknown {
  if (depth > 8) return undefined;
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Uint8Array) return undefined;
  if (Array.isArray(value) || value instanceof Set) return [...(value as Iterable<PickleValue>)].map((item) => toJson(item, depth + 1) ?? null);
  if (value instanceof Map) return Object.fromEntries([...value].filter(([key]) => typeof key === 'string').map(([key, item]) => [key, toJson(item, depth + 1) ?? null]));
  if (isArray(value)) return value.values.length <= 64 ? Array.from(value.values) : undefined;
  return undefined;
}
