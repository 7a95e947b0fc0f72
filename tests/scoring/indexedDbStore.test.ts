import { describe, expect, it } from 'vitest';
import { scoringKey } from '../../src/scoring/indexedDbStore.ts';

/** IndexedDB itself runs in the browser tests (tests/browser/scoring.test.ts: cancel, reload, resume). */
describe('scoringKey', () => {
  const files = [
    { path: 'config.json', size: 312 },
    { path: 'tokenizer.json', size: 9140 },
    { path: 'onnx/model.onnx', size: 204785 },
  ];

  it('scoringKey is the same for the same files in any order, and starts with the text set id', () => {
    const key = scoringKey({ textSetId: 'default@1', files });
    expect(scoringKey({ textSetId: 'default@1', files: [...files].reverse() })).toBe(key);
    expect(key).toMatch(/^default@1:[0-9a-z]+$/);
  });

  it('scoringKey differs when a file size, a path, the dtype or the text set differs', () => {
    const key = scoringKey({ textSetId: 'default@1', files });
    const keys = [
      scoringKey({ textSetId: 'default@1', files: files.map((file) => (file.path === 'onnx/model.onnx' ? { ...file, size: 204786 } : file)) }),
      scoringKey({ textSetId: 'default@1', files: files.map((file) => (file.path === 'onnx/model.onnx' ? { ...file, path: 'onnx/model_fp16.onnx' } : file)) }),
      scoringKey({ textSetId: 'default@1', files, dtype: 'fp16' }),
      scoringKey({ textSetId: 'default@2', files }),
    ];
    expect(new Set([key, ...keys]).size).toBe(5);
  });
});
