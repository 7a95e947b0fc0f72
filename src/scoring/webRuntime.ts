// package.json `imports`: in bundles, `onnxruntime-web/webgpu`, the entry transformers.js imports, so a bundle holds
// one onnxruntime-web and one .wasm (the asyncify build); in Node, ORT's Node entry with the plain .wasm, whose
// compilation is far quicker there (the asyncify .wasm took V8 tens of seconds to tier up in Node).
import * as ort from '#onnxruntime-web';
import { LlmapError } from '../core/errors.ts';
import { errorText } from './modelFiles.ts';
import type { DeviceInfo, ScoringRuntime } from './runtime.ts';

export type WebDevice = 'auto' | 'webgpu' | 'wasm';

export interface WebRuntimeOptions {
  /** 'auto' tries WebGPU and falls back to WASM, saying why; 'webgpu' fails when it is not there. Default 'auto'. */
  readonly device?: WebDevice;
  /** WASM threads; more than 1 needs cross-origin isolation. Default 1. */
  readonly threads?: number;
  /**
   * Where ORT's .mjs/.wasm files are served from (a bundler's asset URLs). Default: next to ORT's own module. Always
   * applied, so transformers.js's import-time default (a CDN) is never used.
   */
  readonly wasmPaths?: ort.Env.WasmPrefixOrFilePaths;
}

/**
 * onnxruntime-web, in a browser, a worker or Node (WASM). The one place llmap sets onnxruntime-web's environment,
 * from these explicit options.
 */
export function webRuntime(options: WebRuntimeOptions = {}): ScoringRuntime {
  const threads = options.threads ?? 1;
  ort.env.wasm.numThreads = threads;
  ort.env.wasm.wasmPaths = options.wasmPaths;
  const wanted = options.device ?? 'auto';
  return {
    Tensor: ort.Tensor,
    async createSession(modelBytes, externalData) {
      const sessionOptions = (executionProviders: string[]): ort.InferenceSession.SessionOptions => ({
        executionProviders,
        graphOptimizationLevel: 'all',
        ...(externalData.length > 0 ? { externalData: externalData.map((file) => ({ path: file.path, data: file.data })) } : {}),
      });
      const wasm = async (note: string) => ({
        session: await ort.InferenceSession.create(modelBytes, sessionOptions(['wasm'])),
        device: { backend: 'wasm', note, threads } satisfies DeviceInfo,
      });
      if (wanted === 'wasm') return wasm('');
      const adapter = await webGpuAdapter();
      if (typeof adapter === 'string') {
        if (wanted === 'webgpu') throw new LlmapError('webgpu-unavailable', `WebGPU is not available here (${adapter}). Use a browser with WebGPU enabled, or choose WASM.`);
        return wasm(`WebGPU is not available (${adapter}), so WASM runs the model.`);
      }
      try {
        const session = await ort.InferenceSession.create(modelBytes, sessionOptions(['webgpu']));
        const software = adapter.isFallbackAdapter ? ' on a software (fallback) adapter' : '';
        return { session, device: { backend: 'webgpu', note: `WebGPU${software}.`, threads } };
      } catch (error) {
        if (wanted === 'webgpu') throw new LlmapError('webgpu-unavailable', `WebGPU could not run this model (${errorText(error)}). Choose WASM instead.`);
        return wasm(`WebGPU could not run this model (${errorText(error)}), so WASM runs it.`);
      }
    },
  };
}

/** The WebGPU adapter, or why there is none. */
async function webGpuAdapter(): Promise<{ isFallbackAdapter: boolean } | string> {
  const gpu = (globalThis.navigator as (Navigator & { gpu?: { requestAdapter(): Promise<unknown> } }) | undefined)?.gpu;
  if (!gpu) return 'this browser exposes no navigator.gpu';
  try {
    const adapter = (await gpu.requestAdapter()) as { isFallbackAdapter?: boolean; info?: { isFallbackAdapter?: boolean } } | null;
    if (!adapter) return 'no WebGPU adapter was found';
    return { isFallbackAdapter: adapter.isFallbackAdapter ?? adapter.info?.isFallbackAdapter ?? false };
  } catch (error) {
    return `requesting an adapter failed: ${errorText(error)}`;
  }
}
