// Other model formats → Hugging Face-layout ONNX folders that llmap scores like any user model.
export { convertLlama2c, readLlama2cHeader, type Llama2cHeader } from './llama2c.ts';
export { convertMl5CharRnn } from './ml5CharRnn.ts';
export { convertTextgenrnn } from './textgenrnn.ts';
export { charTokenizerFiles, BYTE_FALLBACK_MASS } from './charTokenizer.ts';
export type { ConvertedModel, ConversionRecord } from './convertedModel.ts';
export { byteTokenizerJson, byteTokenizerConfig, BYTE_SPECIAL_TOKENS, BYTE_VOCABULARY_SIZE } from './byteTokenizer.ts';
