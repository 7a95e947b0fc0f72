import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { convertLlama2c, convertMl5CharRnn, convertTextgenrnn, type ConvertedModel } from '../convert/index.ts';
import { LlmapError } from '../core/errors.ts';
import { parseArguments } from './args.ts';

export const CONVERT_USAGE = 'llmap convert <llama2c|ml5-charrnn|textgenrnn> <input folder> --out <model folder> [--name name]';

export type SourceFormat = 'llama2c' | 'ml5-charrnn' | 'textgenrnn';

/** Converts the model in an input folder (as the format's own project ships it) and returns the converted files. */
export async function convertFolder(format: SourceFormat, folder: string, name: string): Promise<ConvertedModel> {
  if (!existsSync(folder)) throw new LlmapError('missing-file', `There is no folder at ${folder}.`);
  const files = readdirSync(folder);
  const read = (file: string) => {
    const path = join(folder, file);
    if (!existsSync(path)) throw new LlmapError('missing-file', `${folder} has no ${file}, which a ${format} model needs.`);
    return new Uint8Array(readFileSync(path));
  };
  const only = (suffix: string, except: string[] = []) => {
    const found = files.filter((file) => file.endsWith(suffix) && !except.includes(file));
    if (found.length !== 1) throw new LlmapError('missing-file', `${folder} should hold exactly one ${suffix} file${except.length ? ` besides ${except.join(', ')}` : ''}; it holds ${found.length}.`);
    return found[0];
  };
  if (format === 'llama2c') return convertLlama2c(read(only('.bin', ['tok512.bin'])), read('tok512.bin'), { name });
  if (format === 'ml5-charrnn') return convertMl5CharRnn(read, { name });
  return convertTextgenrnn(read(only('.hdf5')), new TextDecoder().decode(read(only('_vocab.json'))), { name });
}

/** Writes a converted model folder, with its conversion record as llmap-conversion.json. */
export function writeConvertedModel(out: string, converted: ConvertedModel): void {
  for (const [path, bytes] of converted.files) {
    mkdirSync(dirname(join(out, path)), { recursive: true });
    writeFileSync(join(out, path), bytes);
  }
  writeFileSync(join(out, 'llmap-conversion.json'), `${JSON.stringify(converted.conversion, null, 2)}\n`);
}

/** `llmap convert`: llama2.c, ml5 charRNN and textgenrnn models → Hugging Face-layout ONNX folders. */
export async function convertCommand(argv: readonly string[]): Promise<number> {
  const { positional, values } = parseArguments(argv, { values: ['out', 'name'] });
  const [format, folder] = positional;
  const out = values.get('out');
  if (!format || !folder || !out) throw new LlmapError('invalid-argument', `Usage: ${CONVERT_USAGE}`);
  if (format !== 'llama2c' && format !== 'ml5-charrnn' && format !== 'textgenrnn') {
    throw new LlmapError('invalid-argument', `Unknown format "${format}"; llmap converts llama2c, ml5-charrnn and textgenrnn models.`);
  }
  const converted = await convertFolder(format, folder, values.get('name') ?? basename(folder));
  writeConvertedModel(out, converted);
  const { parameters, vocabularySize } = converted.conversion;
  process.stderr.write(`Converted ${folder} (${format}, ${parameters.toLocaleString('en')} parameters, vocabulary ${vocabularySize}) into ${out}.\n`);
  return 0;
}
