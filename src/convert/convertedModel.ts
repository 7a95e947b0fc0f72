/**
 * What a converter returns: the files of a Hugging Face-layout model folder (`config.json`, `tokenizer.json`,
 * `tokenizer_config.json`, `onnx/model.onnx`) in memory, and what the map records about the conversion.
 * Converters are pure functions over the original files' bytes; writing the folder is the CLI's job.
 */
export interface ConvertedModel {
  readonly files: ReadonlyMap<string, Uint8Array>;
  readonly conversion: ConversionRecord;
}

export interface ConversionRecord {
  /** e.g. 'llama2.c', 'ml5-charrnn', 'textgenrnn'. */
  readonly sourceFormat: string;
  readonly parameters: number;
  readonly vocabularySize: number;
  /** The model's own context: tokens it can attend to (a window for textgenrnn, unlimited for an LSTM: null). */
  readonly contextTokens: number | null;
  /** How characters the model cannot emit are scored: 'byte-fallback-floor' (charTokenizer.ts) or 'native-byte-fallback'. */
  readonly unknownCharacterPolicy: 'byte-fallback-floor' | 'native-byte-fallback';
  readonly notes: readonly string[];
}

/** JSON file contents as UTF-8 bytes, pretty-printed for people who open the folder. */
export function jsonFile(value: unknown): Uint8Array {
  return new TextEncoder().encode(`${JSON.stringify(value, null, 2)}\n`);
}
