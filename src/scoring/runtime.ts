import type { InferenceSession } from 'onnxruntime-common';
import { LlmapError } from '../core/errors.ts';
import type { TensorConstructor } from './feeds.ts';
import { errorText } from './modelFiles.ts';

/** Where a model runs, in words a person can read, with why when it is not the first choice. */
export interface DeviceInfo {
  readonly backend: 'onnxruntime-node' | 'wasm' | 'webgpu';
  /** e.g. "WebGPU was not available (no adapter), so WASM runs the model". Empty when nothing needs saying. */
  readonly note: string;
  readonly threads: number;
}

/** An onnxruntime (node or web) behind one interface: how to make a session and the Tensor class it uses. */
export interface ScoringRuntime {
  readonly Tensor: TensorConstructor;
  createSession(
    modelBytes: Uint8Array,
    externalData: ReadonlyArray<{ readonly path: string; readonly data: Uint8Array }>,
  ): Promise<{ session: InferenceSession; device: DeviceInfo }>;
}

// 'Tensor shape is too large': onnxruntime-web (32-bit WASM) cannot even size a tensor of 4 GiB or more.
const OUT_OF_MEMORY = /bad_alloc|out of memory|failed to allocate|allocation failed|Array buffer allocation|\bOOM\b|memory access out of bounds|Tensor shape is too large/i;

/** Turns a runtime failure into an LlmapError: out-of-memory gets its advice, anything else says where it failed. */
export function runtimeError(error: unknown, where: string): LlmapError {
  const text = errorText(error).trim(); // ORT ends its messages with a newline
  if (error instanceof LlmapError) return error;
  if (OUT_OF_MEMORY.test(text)) {
    return new LlmapError('out-of-memory', `Ran out of memory ${where} (${text}). Try a smaller variant (model_fp16.onnx or model_quantized.onnx) or a smaller batch (fewer tokens per batch).`);
  }
  return new LlmapError('runtime-failure', `The model failed ${where}: ${text}`);
}
