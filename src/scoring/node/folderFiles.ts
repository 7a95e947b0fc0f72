import { readdirSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, join, relative, sep } from 'node:path';
import { LlmapError } from '../../core/errors.ts';
import { modelFilesFromEntries, type ModelFiles } from '../modelFiles.ts';

/** A model folder on disk as ModelFiles (files read lazily). */
export function modelFilesFromFolder(folder: string): ModelFiles {
  let stats;
  try {
    stats = statSync(folder);
  } catch {
    throw new LlmapError('missing-file', `There is no model folder at ${folder}. Pass the folder that holds config.json, tokenizer.json and onnx/.`);
  }
  if (!stats.isDirectory()) throw new LlmapError('missing-file', `${folder} is a file; pass the model's folder (the one holding config.json).`);
  const paths: string[] = [];
  const walk = (directory: string) => {
    for (const entry of readdirSync(directory, { withFileTypes: true })) {
      const full = join(directory, entry.name);
      if (entry.isDirectory()) walk(full);
      else paths.push(relative(folder, full).split(sep).join('/'));
    }
  };
  walk(folder);
  return modelFilesFromEntries(
    basename(folder),
    paths.map((path) => ({ path, read: async () => new Uint8Array(await readFile(join(folder, path))) })),
  );
}
