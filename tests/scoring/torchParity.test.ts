import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { modelFilesFromFolder } from '../../src/scoring/node/folderFiles.ts';
import { nodeRuntime } from '../../src/scoring/node/nodeRuntime.ts';
import { parseRecordLines } from '../../src/scoring/records.ts';
import { scoreModel } from '../../src/scoring/scoreModel.ts';
import { expectClose } from '../asserts.ts';

const folder = fileURLToPath(new URL('../fixtures/torch-decoder/', import.meta.url));
const texts = readFileSync(`${folder}texts.jsonl`, 'utf8')
  .trim()
  .split('\n')
  .map((line) => JSON.parse(line) as { index: number; text: string });
const torchRecords = parseRecordLines(readFileSync(`${folder}torch-log-likelihoods.jsonl`, 'utf8'));

describe('scoreModel against PyTorch', () => {
  it('scoreModel matches PyTorch log-likelihoods of a torch.onnx.export graph to 1e-4 relative, truncating at n_positions', async () => {
    const records = await scoreModel(modelFilesFromFolder(folder), texts, { runtime: nodeRuntime() });
    expect(records.map((r) => r.index)).toEqual(torchRecords.map((r) => r.index));
    expect(records.map((r) => r.numTokens)).toEqual(torchRecords.map((r) => r.numTokens));
    expectClose(records.map((r) => r.logLikelihoodNats), torchRecords.map((r) => r.logLikelihoodNats), { relative: 1e-4 });
    expect(records.filter((r) => r.truncated).map((r) => r.index)).toEqual([0, 1, 6, 11, 12, 26, 32, 35, 41, 44, 46, 51, 53, 55, 58]);
  });
});

describe('scoreModel on onnxruntime-web (WASM) in Node', () => {
  it('scoreModel with webRuntime gives the onnxruntime-node vector within 1e-4 relative', async () => {
    const { webRuntime } = await import('../../src/scoring/webRuntime.ts');
    const files = modelFilesFromFolder(folder);
    const web = await scoreModel(files, texts, { runtime: webRuntime({ device: 'wasm' }) });
    expectClose(web.map((r) => r.logLikelihoodNats), torchRecords.map((r) => r.logLikelihoodNats), { relative: 1e-4 });
  });
});
