import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import * as ort from 'onnxruntime-node';
import type { ScoringRuntime } from '../runtime.ts';

/**
 * onnxruntime-node on the CPU. A model with external data is written with its data files into a temporary folder
 * and loaded from there (the node binding resolves external data by path), which is removed once loaded.
 */
export function nodeRuntime(options: { threads?: number } = {}): ScoringRuntime {
  const threads = options.threads ?? 1;
  const sessionOptions = { intraOpNumThreads: threads, interOpNumThreads: 1, executionProviders: ['cpu'] };
  return {
    Tensor: ort.Tensor,
    async createSession(modelBytes, externalData) {
      const device = { backend: 'onnxruntime-node' as const, note: '', threads };
      if (externalData.length === 0) return { session: await ort.InferenceSession.create(modelBytes, sessionOptions), device };
      const folder = mkdtempSync(join(tmpdir(), 'llmap-model-'));
      try {
        writeFileSync(join(folder, 'model.onnx'), modelBytes);
        for (const file of externalData) {
          mkdirSync(dirname(join(folder, file.path)), { recursive: true });
          writeFileSync(join(folder, file.path), file.data);
        }
        return { session: await ort.InferenceSession.create(join(folder, 'model.onnx'), sessionOptions), device };
      } finally {
        rmSync(folder, { recursive: true, force: true });
      }
    },
  };
}
