import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureFixtureModels } from '../fixtures/makeModels.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const work = `${root}tests/output/map-pipeline`;
const llmap = (args: string[]) => spawnSync(process.execPath, [`${root}bin/llmap.js`, ...args], { cwd: root, encoding: 'utf8' });

/**
 * The smoke version of the default-map build, end to end through the command line: three real (tiny) models score
 * 20 texts, build-map makes an artifact, and place puts a fourth model on it. The fourth has the same weights as one
 * reference (only its graph differs: it takes a KV cache), so it must land on that reference at KL ≈ 0.
 */
describe('llmap score → build-map → place', { timeout: 120_000 }, () => {
  beforeAll(() => {
    rmSync(work, { recursive: true, force: true });
    mkdirSync(`${work}/scores`, { recursive: true });
    const texts = readFileSync(`${root}tests/fixtures/torch-decoder/texts.jsonl`, 'utf8').trim().split('\n').slice(0, 20);
    writeFileSync(`${work}/texts.jsonl`, `${texts.join('\n')}\n`);
    ensureFixtureModels();
  });

  it('builds a map from three scored models and places a fourth next to its twin', () => {
    const models = {
      'tiny-gpt2-byte': `${root}tests/output/models/tiny-gpt2-byte`,
      'tiny-llama-byte-kv': `${root}tests/output/models/tiny-llama-byte-kv`,
      'torch-decoder': `${root}tests/fixtures/torch-decoder`,
    };
    for (const [id, folder] of Object.entries(models)) {
      const run = llmap(['score', folder, '--texts', `${work}/texts.jsonl`, '--out', `${work}/scores/${id}.jsonl`]);
      expect(run.status, run.stderr).toBe(0);
    }
    const meta = Object.keys(models).map((id) => ({ id, name: `<b>${id}</b>`, family: id.split('-')[1], parent: null, source: 'test fixture', licence: 'MIT' }));
    writeFileSync(`${work}/models.json`, JSON.stringify(meta));
    const build = llmap(['build-map', '--scores', `${work}/scores`, '--meta', `${work}/models.json`, '--texts', `${work}/texts.jsonl`, '--out', `${work}/map`, '--id', 'smoke', '--tsne-iterations', '250']);
    expect(build.status, build.stderr).toBe(0);
    const manifest = JSON.parse(readFileSync(`${work}/map/map.json`, 'utf8'));
    expect(manifest.models.map((model: { id: string }) => model.id)).toEqual(Object.keys(models));

    const twin = llmap(['score', `${root}tests/output/models/tiny-gpt2-byte-kv`, '--texts', `${work}/map`, '--out', `${work}/twin.jsonl`]);
    expect(twin.status, twin.stderr).toBe(0);
    const placed = llmap(['place', '--map', `${work}/map`, '--scores', `${work}/twin.jsonl`, '--json']);
    expect(placed.status, placed.stderr).toBe(0);
    const placement = JSON.parse(placed.stdout);
    expect(placement.textsScored).toBe(20);
    expect(placement.nearest[0].id).toBe('tiny-gpt2-byte');
    expect(placement.nearest[0].klNatsPerText).toBeLessThan(1e-6);
    expect(placement.nearest[1].klNatsPerText).toBeGreaterThan(1);

    const readable = llmap(['place', '--map', `${work}/map`, '--scores', `${work}/twin.jsonl`]);
    expect(readable.stdout).toContain('1. <b>tiny-gpt2-byte</b>');
  });
});
