/*
 * llama2.c's own tokenizer, straight from run.c (`build_tokenizer`, `encode`, `decode`), on bytes as the C code
 * works: the reference the converted tokenizer.json is checked against. Nothing here is shared with
 * src/convert/llama2c.ts.
 */

export interface Llama2cTokenizer {
  /** Each piece's bytes as a binary string (one char per byte), as run.c's `char*` vocab. */
  readonly pieces: readonly string[];
  readonly scores: Float32Array;
  readonly maxTokenLength: number;
}

const BOS = 1;

/** run.c `build_tokenizer`: int32 max_token_length, then per token float32 score, int32 length, bytes. */
export function readLlama2cTokenizer(bytes: Uint8Array, vocabSize: number): Llama2cTokenizer {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const maxTokenLength = view.getInt32(0, true);
  const pieces: string[] = [];
  const scores = new Float32Array(vocabSize);
  let offset = 4;
  for (let id = 0; id < vocabSize; id++) {
    scores[id] = view.getFloat32(offset, true);
    const length = view.getInt32(offset + 4, true);
    offset += 8;
    pieces.push(String.fromCharCode(...bytes.subarray(offset, offset + length)));
    offset += length;
  }
  if (offset !== bytes.byteLength) throw new Error(`tokenizer: ${bytes.byteLength - offset} bytes left after ${vocabSize} pieces`);
  return { pieces, scores, maxTokenLength };
}

/** run.c `encode(t, text, bos=1, eos=0, …)`. */
export function llama2cEncode(tokenizer: Llama2cTokenizer, text: string): number[] {
  // str_lookup: run.c bsearches the sorted vocab; pieces are unique here, so a map gives the same id.
  const lookup = new Map<string, number>();
  tokenizer.pieces.forEach((piece, id) => {
    if (!lookup.has(piece)) lookup.set(piece, id);
  });
  const utf8 = new TextEncoder().encode(text);
  const end = utf8.indexOf(0) === -1 ? utf8.length : utf8.indexOf(0); // a C string stops at NUL
  const tokens: number[] = [BOS];
  if (end > 0) {
    const dummyPrefix = lookup.get(' ');
    if (dummyPrefix === undefined) throw new Error('tokenizer: no " " piece for the dummy prefix');
    tokens.push(dummyPrefix);
  }
  let buffer: number[] = [];
  for (let c = 0; c < end; c++) {
    if ((utf8[c] & 0xc0) !== 0x80) buffer = [];
    buffer.push(utf8[c]);
    if (c + 1 < end && (utf8[c + 1] & 0xc0) === 0x80 && buffer.length < 4) continue;
    const id = lookup.get(String.fromCharCode(...buffer));
    if (id !== undefined) tokens.push(id);
    else for (const byte of buffer) tokens.push(byte + 3);
    buffer = [];
  }
  for (;;) {
    let bestScore = -1e10;
    let bestId = -1;
    let bestIndex = -1;
    for (let i = 0; i + 1 < tokens.length; i++) {
      const id = lookup.get(tokenizer.pieces[tokens[i]] + tokenizer.pieces[tokens[i + 1]]);
      if (id !== undefined && tokenizer.scores[id] > bestScore) {
        bestScore = tokenizer.scores[id];
        bestId = id;
        bestIndex = i;
      }
    }
    if (bestIndex === -1) break;
    tokens.splice(bestIndex, 2, bestId);
  }
  return tokens;
}

/** run.c `decode` over a whole sequence: a leading space after BOS dropped, `<0xNN>` pieces as raw bytes. */
export function llama2cDecode(tokenizer: Llama2cTokenizer, ids: readonly number[]): string {
  const bytes: number[] = [];
  ids.forEach((id, t) => {
    if (t === 0 && id === BOS) return;
    let piece = tokenizer.pieces[id];
    if (t > 0 && ids[t - 1] === BOS && piece.startsWith(' ')) piece = piece.slice(1);
    const byte = /^<0x([0-9A-F]{2})>$/.exec(piece);
    if (byte) bytes.push(parseInt(byte[1], 16));
    else for (let k = 0; k < piece.length; k++) bytes.push(piece.charCodeAt(k));
  });
  return new TextDecoder().decode(new Uint8Array(bytes));
}
