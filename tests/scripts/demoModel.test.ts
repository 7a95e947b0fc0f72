import { readFileSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BYTE_SPECIAL_IDS, BYTE_VOCABULARY_SIZE } from '../../src/convert/byteTokenizer.ts';
import { modelFilesFromFolder } from '../../src/scoring/node/folderFiles.ts';
import { nodeRuntime } from '../../src/scoring/node/nodeRuntime.ts';
import { scoreModel } from '../../src/scoring/scoreModel.ts';
import { parseTextLines } from '../../src/scoring/textSet.ts';
import { commentText, demoCorpus } from '../../scripts/demoModel/demoCorpus.ts';
import { buildDemoModel } from '../../scripts/demoModel/demoModelFolder.ts';
import { bigramLogLikelihoodNats, trainByteBigram } from '../../scripts/demoModel/trainByteBigram.ts';
import { expectClose } from '../asserts.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const encoder = new TextEncoder();

describe('trainByteBigram', () => {
  it('trainByteBigram(documents, α) gives rows that are distributions, with add-α counts', () => {
    const model = trainByteBigram([encoder.encode('abab'), encoder.encode('b')], 0.5);
    const V = BYTE_VOCABULARY_SIZE;
    for (const row of [BYTE_SPECIAL_IDS.bos, 97, 98, 0, BYTE_SPECIAL_IDS.pad]) {
      let total = 0;
      for (let b = 0; b < V; b++) total += Math.exp(model.logProbsByPrevious[row * V + b]);
      expectClose(total, 1, { relative: 1e-5 });
    }
    // After 'a': 'b' twice; p(b | a) = (2 + 0.5) / (2 + 0.5·259).
    expectClose(Math.exp(model.logProbsByPrevious[97 * V + 98]), 2.5 / (2 + 0.5 * V), { relative: 1e-6 });
    // First bytes: 'a' once, 'b' once.
    expectClose(Math.exp(model.logProbsByPrevious[BYTE_SPECIAL_IDS.bos * V + 98]), 1.5 / (2 + 0.5 * V), { relative: 1e-6 });
    expect(model.transitions).toBe(5);
  });
});

describe('demoCorpus', () => {
  it('commentText(source) keeps block and line comments without their markers', () => {
    const text = commentText('/**\n * One.\n * Two.\n */\nconst url = "https://x"; // three\n');
    expect(text).toBe('One.\nTwo.\nthree');
  });

  it("demoCorpus(root) is the project's own prose, never the map's texts", () => {
    const corpus = demoCorpus(root);
    expect(corpus.map((document) => document.path)).toContain('README.md');
    expect(corpus.every((document) => document.path === 'README.md' || document.path.endsWith('README.md') || document.path.startsWith('src/'))).toBe(true);
    expect(corpus.some((document) => document.path.startsWith('public/'))).toBe(false);
  });
});

describe('buildDemoModel', () => {
  it("buildDemoModel(root, dir) writes a folder llmap scores to the bigram's own log-likelihoods", async () => {
    const folder = `${root}tests/output/demo-model-test`;
    rmSync(folder, { recursive: true, force: true });
    const { manifest, model } = buildDemoModel(root, folder);
    expect(manifest.files.map((file) => file.path).sort()).toEqual(['config.json', 'onnx/model.onnx', 'tokenizer.json', 'tokenizer_config.json']);
    for (const file of manifest.files) expect(readFileSync(`${folder}/${file.path}`).length).toBe(file.bytes);
    const texts = parseTextLines(readFileSync(`${root}tests/fixtures/torch-decoder/texts.jsonl`, 'utf8')).slice(0, 8);
    const records = await scoreModel(modelFilesFromFolder(folder), texts, { runtime: nodeRuntime() });
    expectClose(
      records.map((record) => record.logLikelihoodNats),
      texts.map((text) => bigramLogLikelihoodNats(model, encoder.encode(text.text))),
      { relative: 1e-5 },
    );
    // The first token scored is the first byte after <|bos|>: as many tokens as bytes, plus one.
    expect(records.map((record) => record.numTokens)).toEqual(texts.map((text) => encoder.encode(text.text).length + 1));
  });

  it('buildDemoModel(root, dir) is deterministic and rewrites nothing when nothing changed', () => {
    const folder = `${root}tests/output/demo-model-test`;
    buildDemoModel(root, folder);
    expect(buildDemoModel(root, folder).written).toEqual([]);
  });
});
