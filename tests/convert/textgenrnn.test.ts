import { readFileSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeConvertedModel } from '../../src/cli/convertCommand.ts';
import { BYTE_FALLBACK_MASS } from '../../src/convert/charTokenizer.ts';
import type { ConvertedModel } from '../../src/convert/convertedModel.ts';
import { convertTextgenrnn } from '../../src/convert/textgenrnn.ts';
import { modelFilesFromFolder } from '../../src/scoring/node/folderFiles.ts';
import { nodeRuntime } from '../../src/scoring/node/nodeRuntime.ts';
import type { ScoreRecord } from '../../src/scoring/records.ts';
import { scoreModel } from '../../src/scoring/scoreModel.ts';
import { createTokenizer } from '../../src/scoring/tokenizer.ts';
import { expectClose } from '../asserts.ts';
import { ARTIFACTS, ARTIFACTS_PRESENT, readChecked } from './artifacts.ts';
import { llmapLogLikelihood, meanLossNatsPerToken, readDatasets, referenceModel, vocabularyOf, type ReferenceModel } from './textgenrnnReference.ts';

/*
 * convertTextgenrnn on the five textgenrnn models of ../shared/artifacts (read there, never copied), against the
 * float64 forward pass of textgenrnnReference.ts, written from SOURCE.md with its own CuDNN weight conversion:
 * llmap's scoreModel on each converted folder, SOURCE.md's reference numbers, the conversion's necessity, the
 * 40-token window, and each fine-tune's preference for its own domain.
 */

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const OUTPUT = join(REPO_ROOT, 'tests/output/converted');
const available = ARTIFACTS_PRESENT;
if (!available) console.warn(`textgenrnn.test.ts: ${ARTIFACTS} is absent, so the textgenrnn conversion checks are skipped.`);

/** One title per fine-tune's domain (written for this test: SOURCE.md names the domains, not its titles). */
const HN_TITLE = 'Show HN: An open source alternative to Google Analytics';
const DOMAIN_TITLES = {
  hacker_news: HN_TITLE,
  reddit_apple_android: 'Google Pixel 2 vs iPhone 8: which one should I buy?',
  reddit_legaladvice_relationshipadvice: 'My landlord is refusing to return my security deposit',
  reddit_rarepuppers_politics: 'This is my dog, he is a very good boy',
} as const;

interface TextgenrnnArtifact {
  readonly name: string;
  readonly folder: string;
  readonly weights: string;
  /** The title of its own domain and SOURCE.md's nats/char for its domain's title. */
  readonly ownTitle: string;
  readonly sourceOwnTitleNatsPerChar: number;
}

/** Writes a converted model into a fresh folder. */
function writeFreshFolder(converted: ConvertedModel, folder: string): void {
  rmSync(folder, { recursive: true, force: true });
  writeConvertedModel(folder, converted);
}

const MODELS: readonly TextgenrnnArtifact[] = [
  { name: 'textgenrnn-default', folder: 'textgenrnn-default', weights: 'textgenrnn_weights.hdf5', ownTitle: HN_TITLE, sourceOwnTitleNatsPerChar: 1.87 },
  ...(Object.entries(DOMAIN_TITLES) as Array<[keyof typeof DOMAIN_TITLES, string]>).map(([domain, ownTitle]) => ({
    name: `textgenrnn-${domain}`,
    folder: `textgenrnn-${domain}`,
    weights: `${domain}.hdf5`,
    ownTitle,
    sourceOwnTitleNatsPerChar: { hacker_news: 1.56, reddit_apple_android: 2.9, reddit_legaladvice_relationshipadvice: 1.48, reddit_rarepuppers_politics: 1.96 }[domain],
  })),
];

const REDDIT_QUESTION = 'What is your favorite movie of all time?';
const REVERSED = [...'What is the best way to learn a new language?'].reverse().join('');
/** Ç ☕ 日 本 🐕 are outside the vocabulary (byte fallback); û € — ï é are inside. */
const OUTSIDE_VOCABULARY = 'Ça coûte 3€ — naïve café ☕ 日本 🐕 ok';
const SPACING = '  Why   do "cats" knock things off tables?!  (asking for a friend)  ';
const LONG_TEXT =
  'So I have been thinking about this for a while and I finally decided to ask. My roommate and I signed a lease last ' +
  'year, and now she wants to move out early because she got a new job in another city. The landlord says we are both ' +
  "responsible for the rent until the lease ends, but she says it is not her problem anymore. I don't want to be the bad " +
  "guy here, but I can't afford the whole apartment on my own.\nWhat are my options? Is it legal for her to just leave? " +
  'Should I talk to the landlord first, or find someone to take over her half? Any advice would be appreciated. Edit: ' +
  'thanks everyone for the replies, I will update this post once I know more. Update: we talked it through and she ' +
  'agreed to help find a subletter. The landlord was surprisingly nice about it, and it only cost us a small fee (about ' +
  "50€). TL;DR: talk to people, it usually works out better than you think — and read your lease before you sign it! 日本";
/** The reference costs ~8M multiply-adds per character, so the fine-tunes get a 200-character slice of LONG_TEXT. */
const FINE_TUNE_LONG_CHARACTERS = 200;

function comparedTexts(model: TextgenrnnArtifact): string[] {
  const long = model.name === 'textgenrnn-default' ? LONG_TEXT : LONG_TEXT.slice(0, FINE_TUNE_LONG_CHARACTERS);
  return [REDDIT_QUESTION, REVERSED, OUTSIDE_VOCABULARY, SPACING, model.ownTitle, long];
}




interface Loaded {
  readonly converted: ConvertedModel;
  readonly reference: ReferenceModel;
  readonly vocabulary: Map<string, number>;
  readonly folder: string;
}

const loaded = new Map<string, Loaded>();
const summary: string[] = [];
const characters = (text: string) => [...text].length;

describe.skipIf(!available)('convertTextgenrnn on the textgenrnn artifacts', () => {
  beforeAll(async () => {
    for (const model of MODELS) {
      const folder = join(ARTIFACTS, model.folder);
      const weights = readChecked(folder, model.weights);
      const vocabJson = new TextDecoder().decode(readChecked(folder, 'textgenrnn_vocab.json'));
      const converted = await convertTextgenrnn(weights, vocabJson, { name: model.name });
      writeFreshFolder(converted, join(OUTPUT, model.name));
      const reference = referenceModel(await readDatasets(weights), { cudnnConversion: true });
      loaded.set(model.name, { converted, reference, vocabulary: vocabularyOf(vocabJson), folder: join(OUTPUT, model.name) });
    }
  }, 60_000);

  afterAll(() => {
    if (summary.length > 0) console.info(`textgenrnn conversion:\n  ${summary.join('\n  ')}`);
  });

  it('convertTextgenrnn writes a folder with the 463 characters, 256 byte tokens and <s>, and records the conversion', async () => {
    const { converted } = loaded.get('textgenrnn-default')!;
    expect([...converted.files.keys()].sort()).toEqual(['config.json', 'onnx/model.onnx', 'tokenizer.json', 'tokenizer_config.json']);
    const config = JSON.parse(new TextDecoder().decode(converted.files.get('config.json')));
    expect(config).toMatchObject({ model_type: 'textgenrnn', vocab_size: 720, max_position_embeddings: 4096, bos_token_id: 719 });
    expect(converted.conversion).toMatchObject({ sourceFormat: 'textgenrnn', parameters: 462_717, vocabularySize: 720, contextTokens: 40, unknownCharacterPolicy: 'byte-fallback-floor' });
    expect(converted.conversion.notes.join(' ')).toMatch(/No trailing <s>/);
    const tokenizer = createTokenizer(
      JSON.parse(new TextDecoder().decode(converted.files.get('tokenizer.json'))),
      JSON.parse(new TextDecoder().decode(converted.files.get('tokenizer_config.json'))),
    );
    // 'I' has textgenrnn id 1 → token 0; Ç is outside: bytes C3 87 → tokens 463 + 0xC3, 463 + 0x87; <s> = 719 first only.
    expect(tokenizer.encode('IÇI', 4096).ids).toEqual([719, 0, 463 + 0xc3, 463 + 0x87, 0]);
  });

  it('convertTextgenrnn on a truncated file or a foreign vocabulary fails with an LlmapError that says what to do', async () => {
    const folder = join(ARTIFACTS, 'textgenrnn-default');
    const weights = readChecked(folder, 'textgenrnn_weights.hdf5');
    const vocabJson = readFileSync(join(folder, 'textgenrnn_vocab.json'), 'utf8');
    await expect(convertTextgenrnn(weights.subarray(0, 100_000), vocabJson, { name: 'cut' })).rejects.toMatchObject({ code: 'corrupt-model', message: expect.stringMatching(/truncated: it has 100000 bytes, but its HDF5 superblock says 1874468/) });
    await expect(convertTextgenrnn(new TextEncoder().encode('<!DOCTYPE html>'), vocabJson, { name: 'page' })).rejects.toMatchObject({ code: 'corrupt-model', message: expect.stringMatching(/not an HDF5 file/) });
    await expect(convertTextgenrnn(weights, '{"a": 1, "b": 2}', { name: 'foreign' })).rejects.toMatchObject({ code: 'vocabulary-mismatch', message: expect.stringMatching(/2 entries and no <s>, but the weights predict 465 classes/) });
  });

  for (const model of MODELS) {
    it(`scoreModel(${model.name}) matches the float64 reference to 1e-4 on ${comparedTexts(model).length} texts`, async () => {
      const { reference, vocabulary, folder } = loaded.get(model.name)!;
      const texts = comparedTexts(model);
      const records: ScoreRecord[] = await scoreModel(modelFilesFromFolder(folder), texts.map((text, index) => ({ index, text })), { runtime: nodeRuntime() });
      let largestRelative = 0;
      records.forEach((record, k) => {
        const expected = llmapLogLikelihood(reference, vocabulary, texts[k], BYTE_FALLBACK_MASS);
        expect(record.numTokens, `tokens of text ${k}`).toBe(expected.numTokens);
        expectClose(record.logLikelihoodNats, expected.logLikelihoodNats, { relative: 1e-4 });
        largestRelative = Math.max(largestRelative, Math.abs(record.logLikelihoodNats - expected.logLikelihoodNats) / Math.abs(expected.logLikelihoodNats));
      });
      const long = records.at(-1)!;
      summary.push(`${model.name}: max relative difference ${largestRelative.toExponential(2)} over ${texts.length} texts (longest ${long.numTokens} tokens, ${(-long.logLikelihoodNats / (long.numTokens - 1)).toFixed(3)} nats/token)`);
    }, 120_000);
  }

  it("the reference reproduces SOURCE.md's nats/char (within 0.4: SOURCE.md does not give its texts, these are ours)", () => {
    const natsPerChar = (name: string, text: string) => {
      const { reference, vocabulary } = loaded.get(name)!;
      return meanLossNatsPerToken(reference, vocabulary, text);
    };
    const rows: Array<[string, string, number, number]> = [
      ['textgenrnn-default', REDDIT_QUESTION, natsPerChar('textgenrnn-default', REDDIT_QUESTION), 0.75],
      ['textgenrnn-default', REVERSED, natsPerChar('textgenrnn-default', REVERSED), 5.4],
      ...MODELS.map((model): [string, string, number, number] => [model.name, model.ownTitle, natsPerChar(model.name, model.ownTitle), model.sourceOwnTitleNatsPerChar]),
    ];
    for (const [name, text, found, recorded] of rows) {
      summary.push(`${name} on ${JSON.stringify(text)}: ${found.toFixed(3)} nats/char (SOURCE.md ${recorded})`);
      expect(Math.abs(found - recorded), `${name} on ${JSON.stringify(text)}: ${found} against SOURCE.md's ${recorded}`).toBeLessThan(0.4);
    }
    // Below uniform ln(465) = 6.14 for the parent; the fine-tunes are over-confident on reversed text (SOURCE.md: 12-13.5).
    expect(natsPerChar('textgenrnn-default', REVERSED)).toBeLessThan(Math.log(465));
    const reversedHn = natsPerChar('textgenrnn-hacker_news', REVERSED);
    summary.push(`textgenrnn-hacker_news on the reversed text: ${reversedHn.toFixed(3)} nats/char (SOURCE.md 12-13.5)`);
    expect(reversedHn).toBeGreaterThan(12);
    expect(reversedHn).toBeLessThan(13.5);
  }, 60_000);

  it('without the CuDNN weight conversion the reference scores ~50 nats/char (SOURCE.md), so the conversion matters', async () => {
    const folder = join(ARTIFACTS, 'textgenrnn-default');
    const unconverted = referenceModel(await readDatasets(readChecked(folder, 'textgenrnn_weights.hdf5')), { cudnnConversion: false });
    const natsPerChar = meanLossNatsPerToken(unconverted, loaded.get('textgenrnn-default')!.vocabulary, REDDIT_QUESTION);
    summary.push(`textgenrnn-default without the CuDNN conversion on ${JSON.stringify(REDDIT_QUESTION)}: ${natsPerChar.toFixed(2)} nats/char`);
    expect(natsPerChar).toBeGreaterThan(30);
  }, 60_000);

  it('each fine-tune scores the title of its own domain best of the four domain titles (scoreModel)', async () => {
    const titles: string[] = Object.values(DOMAIN_TITLES);
    for (const model of MODELS) {
      const records = await scoreModel(modelFilesFromFolder(loaded.get(model.name)!.folder), titles.map((text, index) => ({ index, text })), { runtime: nodeRuntime() });
      const natsPerChar = records.map((record, k) => -record.logLikelihoodNats / characters(titles[k]));
      summary.push(`${model.name} nats/char on the four domain titles: ${natsPerChar.map((value) => value.toFixed(2)).join(', ')}`);
      if (model.name === 'textgenrnn-default') continue;
      const own = titles.indexOf(model.ownTitle);
      expect(natsPerChar.indexOf(Math.min(...natsPerChar)), `${model.name}: ${natsPerChar.join(', ')}`).toBe(own);
    }
  }, 60_000);

  it('the converted graph predicts each position from the previous 40 tokens only', async () => {
    const session = await ort.InferenceSession.create(loaded.get('textgenrnn-default')!.converted.files.get('onnx/model.onnx')!);
    const length = 100;
    const differFrom = 20; // rows differ at positions < 20 and agree from there on
    const ids = new BigInt64Array(2 * length);
    for (let t = 0; t < length; t++) {
      ids[t] = BigInt(1 + ((7 * t) % 97));
      ids[length + t] = t < differFrom ? ids[t] + 100n : ids[t]; // token ids 101..197 are characters too
    }
    const shape = [2, length];
    const { logits } = await session.run({ input_ids: new ort.Tensor('int64', ids, shape), attention_mask: new ort.Tensor('int64', new BigInt64Array(2 * length).fill(1n), shape) });
    const width = logits.dims[2];
    const data = logits.data as Float32Array;
    const largestDifference = (t: number) => {
      let largest = 0;
      for (let v = 0; v < width; v++) largest = Math.max(largest, Math.abs(data[t * width + v] - data[(length + t) * width + v]));
      return largest;
    };
    for (let t = differFrom; t < differFrom + 39; t++) expect(largestDifference(t), `position ${t} still sees a differing token`).toBeGreaterThan(1e-3);
    for (let t = differFrom + 39; t < length; t++) expect(largestDifference(t), `position ${t} sees beyond 40 tokens`).toBeLessThan(1e-5);
    await session.release();
  });
});
