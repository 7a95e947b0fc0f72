import { LlmapError } from '../core/errors.ts';

/** A binary array beside map.json: little-endian, row-major, with its shape and sha256 recorded in map.json. */
export interface SidecarSpec {
  readonly file: string;
  readonly dtype: 'float32' | 'float64' | 'int32';
  readonly shape: readonly number[];
  readonly sha256: string;
}

const BYTES_PER_ELEMENT = { float32: 4, float64: 8, int32: 4 } as const;

/** Little-endian bytes of the values in the given dtype. */
export function encodeSidecar(values: ArrayLike<number>, dtype: SidecarSpec['dtype']): Uint8Array {
  const bytes = new Uint8Array(values.length * BYTES_PER_ELEMENT[dtype]);
  const view = new DataView(bytes.buffer);
  for (let k = 0; k < values.length; k++) {
    if (dtype === 'float32') view.setFloat32(4 * k, values[k], true);
    else if (dtype === 'float64') view.setFloat64(8 * k, values[k], true);
    else view.setInt32(4 * k, values[k], true);
  }
  return bytes;
}

/** Values of a sidecar as float64 (int32 too), after checking its length against its shape. */
export function decodeSidecar(bytes: Uint8Array, spec: SidecarSpec): Float64Array {
  const count = spec.shape.reduce((product, dim) => product * dim, 1);
  const expected = count * BYTES_PER_ELEMENT[spec.dtype];
  if (bytes.length !== expected) {
    throw new LlmapError('corrupt-map', `${spec.file} has ${bytes.length} bytes; its shape [${spec.shape.join(', ')}] of ${spec.dtype} needs ${expected}. Rebuild the map or re-download the file.`, { file: spec.file });
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const values = new Float64Array(count);
  for (let k = 0; k < count; k++) {
    values[k] = spec.dtype === 'float32' ? view.getFloat32(4 * k, true) : spec.dtype === 'float64' ? view.getFloat64(8 * k, true) : view.getInt32(4 * k, true);
  }
  return values;
}

/** Hex SHA-256 through WebCrypto (browsers, workers and Node 20 alike). */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await globalThis.crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(digest), (byte) => byte.toString(16).padStart(2, '0')).join('');
}
