import { mkdirSync, readdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import { LlmapError } from '../core/errors.ts';
import { buildMap, type BuildMapInput, type ModelMetadata } from '../map/buildMap.ts';
import { importModelmap, type ModelmapFiles } from '../map/modelmapImport.ts';
import { parseRecordLines } from '../scoring/records.ts';
import { parseTextLines } from '../scoring/textSet.ts';
import { parseArguments, wholeNumber } from './args.ts';

export const BUILD_MAP_USAGE =
  'llmap build-map (--scores <dir of <model-id>.jsonl> --meta <models.json> | --from-modelmap-pkl <model-data.pkl> [--name-type-pkl <name_type_color.pkl>]) --texts <texts.jsonl> --out <map dir> [--id id] [--title text] [--tsne-iterations n] [--scoring-notes <notes.json>]';

/**
 * `llmap build-map`: a map artifact (map.json, texts.jsonl, sidecars with sha256s) from per-model score files and
 * models.json, a list of {"id","name","family","parent","source","licence",…}, or from the modelmap release's
 * pickles (--from-modelmap-pkl, see map/modelmapImport.ts). Deterministic.
 */
export async function buildMapCommand(argv: readonly string[]): Promise<number> {
  const { values } = parseArguments(argv, {
    values: ['scores', 'meta', 'from-modelmap-pkl', 'name-type-pkl', 'texts', 'out', 'id', 'title', 'description', 'tsne-iterations', 'scoring-notes'],
  });
  const scoresFolder = values.get('scores');
  const metaPath = values.get('meta');
  const modelmapPath = values.get('from-modelmap-pkl');
  const textsPath = values.get('texts');
  const out = values.get('out');
  if (!((scoresFolder && metaPath) || modelmapPath) || !textsPath || !out) throw new LlmapError('invalid-argument', `Usage: ${BUILD_MAP_USAGE}`);
  if (modelmapPath && (scoresFolder || metaPath)) throw new LlmapError('invalid-argument', 'Give either --from-modelmap-pkl or --scores with --meta, not both.');
  const textsBytes = readFileSync(textsPath);
  const texts = parseTextLines(textsBytes.toString('utf8'), textsPath);
  const imported = modelmapPath ? importModelmap(readModelmapFiles(modelmapPath, values.get('name-type-pkl'), texts)) : undefined;
  for (const warning of imported?.warnings ?? []) process.stderr.write(`${warning}\n`);
  const models = imported ? imported.input.models : readScoreFiles(scoresFolder as string, metaPath as string);
  const notesPath = values.get('scoring-notes');
  const scoring = notesPath
    ? (JSON.parse(readFileSync(notesPath, 'utf8')) as Parameters<typeof buildMap>[0]['scoring'])
    : (imported?.input.scoring ?? { protocol: 'Oyama et al. 2025: model tokenizer with default special tokens, first token unscored, float64 sums', longTextRule: 'truncate' as const, unknownCharacterPolicy: 'none declared', notes: [] });
  let lastStage = '';
  const { files, quality } = await buildMap({
    id: values.get('id') ?? 'map',
    title: values.get('title') ?? 'llmap map',
    description: values.get('description') ?? '',
    texts,
    textsJsonl: new Uint8Array(textsBytes),
    models,
    scoring,
    clipRule: imported?.input.clipRule,
    tsne: { iterations: wholeNumber(values, 'tsne-iterations', 1000) },
    scoreRanges: imported?.input.scoreRanges ?? {},
    onProgress: (stage) => {
      if (stage !== lastStage) process.stderr.write(`${stage}…\n`);
      lastStage = stage;
    },
  });
  mkdirSync(out, { recursive: true });
  for (const [name, bytes] of files) writeFileSync(join(out, name), bytes);
  process.stderr.write(`Wrote ${files.size} files to ${out} (${models.length} models, ${texts.length} texts).\n${JSON.stringify(quality, null, 1).slice(0, 2000)}\n`);
  return 0;
}

function readScoreFiles(scoresFolder: string, metaPath: string): BuildMapInput['models'] {
  const metadata = readModelsJson(metaPath);
  const available = new Set(readdirSync(scoresFolder).filter((name) => name.endsWith('.jsonl')).map((name) => name.replace(/\.jsonl$/, '')));
  const missing = metadata.filter((model) => !available.has(model.id)).map((model) => model.id);
  if (missing.length > 0) {
    throw new LlmapError('missing-file', `No scores for ${missing.join(', ')} in ${scoresFolder}: score them with llmap score … --out ${scoresFolder}/<model-id>.jsonl.`);
  }
  return metadata.map((model) => ({
    metadata: model,
    records: parseRecordLines(readFileSync(join(scoresFolder, `${model.id}.jsonl`), 'utf8'), `${model.id}.jsonl`),
  }));
}

function readModelmapFiles(modelDataPath: string, nameTypePath: string | undefined, texts: BuildMapInput['texts']): ModelmapFiles {
  const read = (path: string) => {
    if (!existsSync(path)) throw new LlmapError('missing-file', `There is no file at ${path}.`);
    return new Uint8Array(readFileSync(path));
  };
  return {
    modelData: read(modelDataPath),
    modelDataName: basename(modelDataPath),
    nameTypeColor: nameTypePath ? read(nameTypePath) : undefined,
    nameTypeColorName: nameTypePath ? basename(nameTypePath) : undefined,
    texts,
  };
}

function readModelsJson(path: string): ModelMetadata[] {
  if (!existsSync(path)) throw new LlmapError('missing-file', `There is no models.json at ${path}.`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    throw new LlmapError('unreadable-file', `${path} is not valid JSON.`);
  }
  if (!Array.isArray(parsed)) throw new LlmapError('unreadable-file', `${path} must be a JSON list of models.`);
  parsed.forEach((model, k) => {
    const fields = ['id', 'name', 'family', 'source', 'licence'] as const;
    const bad = fields.filter((field) => typeof (model as Record<string, unknown>)?.[field] !== 'string');
    if (bad.length > 0) throw new LlmapError('unreadable-file', `Entry ${k} of ${path} needs string ${bad.join(', ')} (and "parent": an id or null).`);
  });
  return parsed as ModelMetadata[];
}
