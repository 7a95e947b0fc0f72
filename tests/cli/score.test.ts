import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { fitFrame } from '../../src/core/frame.ts';
import { firstAppearances, lsDraws } from '../../src/core/lsSampling.ts';
import { logLikelihoodMatrix } from '../../src/map/scoresMatrix.ts';
import { parseRecordLines, type ScoreRecord } from '../../src/scoring/records.ts';
import { expectClose } from '../asserts.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const model = `${root}tests/fixtures/torch-decoder`;
const work = `${root}tests/output/cli-test`;
const bin = `${root}bin/llmap.js`;

/** 240 texts of 60–300 bytes, made here (longer texts keep a run long enough to interrupt). */
function makeTexts(count: number): string {
  const words = ['map', 'model', 'log', 'text', 'entropy', 'neighbour', 'Grüße', 'naïve', '日本', 'vector', 'ridge', 'token'];
  return Array.from({ length: count }, (_, index) => {
    const length = 60 + ((index * 37) % 240);
    let text = '';
    for (let k = 0; text.length < length; k++) text += `${words[(index * 7 + k * 3) % words.length]} `;
    return JSON.stringify({ index, text: text.trim(), category: index % 2 ? 'odd' : 'even' });
  }).join('\n');
}

function llmap(args: string[]) {
  return spawnSync(process.execPath, [bin, ...args], { cwd: root, encoding: 'utf8' });
}

function records(path: string): ScoreRecord[] {
  return parseRecordLines(readFileSync(path, 'utf8'), path);
}

beforeAll(() => {
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  writeFileSync(`${work}/texts.jsonl`, `${makeTexts(240)}\n`);
});

describe('llmap score', { timeout: 60_000 }, () => {
  it('llmap score writes one paper-format line per text, sorted, and a second run is a no-op resume', () => {
    const first = llmap(['score', model, '--texts', `${work}/texts.jsonl`, '--out', `${work}/full.jsonl`]);
    expect(first.status, first.stderr).toBe(0);
    const full = records(`${work}/full.jsonl`);
    expect(full.map((r) => r.index)).toEqual(Array.from({ length: 240 }, (_, k) => k));
    expect(readFileSync(`${work}/full.jsonl`, 'utf8').split('\n')[0]).toMatch(/^\{"index":0,"num-tokens":\d+,"log-likelihood":-[\d.]+(,"truncated":true)?\}$/);
    const again = llmap(['score', model, '--texts', `${work}/texts.jsonl`, '--out', `${work}/full.jsonl`]);
    expect(again.stderr).toContain('240/240 texts');
    expect(records(`${work}/full.jsonl`)).toEqual(full);
  });

  it('llmap score --shard i/3 in three processes merges to the unsharded vector', async () => {
    const out = `${work}/sharded.jsonl`;
    const runs = [0, 1, 2].map(
      (shard) =>
        new Promise<number>((resolve) => {
          const child = spawn(process.execPath, [bin, 'score', model, '--texts', `${work}/texts.jsonl`, '--out', out, '--shard', `${shard}/3`], { cwd: root, stdio: 'ignore' });
          child.on('exit', (code) => resolve(code ?? -1));
        }),
    );
    expect(await Promise.all(runs)).toEqual([0, 0, 0]);
    expect(existsSync(out)).toBe(true);
    const merged = records(out);
    const full = records(`${work}/full.jsonl`);
    expect(merged.map((r) => [r.index, r.numTokens])).toEqual(full.map((r) => [r.index, r.numTokens]));
    expectClose(merged.map((r) => r.logLikelihoodNats), full.map((r) => r.logLikelihoodNats), { relative: 1e-6 });
    const merge = llmap(['merge', '--texts', `${work}/texts.jsonl`, '--out', `${work}/again.jsonl`, '--shards', '3']);
    expect(merge.status).toBe(1);
    expect(merge.stderr).toContain('Not every shard of');
  });

  it('llmap score killed mid-way resumes from its file and ends with the identical vector', async () => {
    const out = `${work}/resumed.jsonl`;
    const args = [bin, 'score', model, '--texts', `${work}/texts.jsonl`, '--out', out, '--batch-size', '1'];
    const child = spawn(process.execPath, args, { cwd: root, stdio: 'ignore' });
    await new Promise<void>((resolve) => {
      const poll = setInterval(() => {
        const lines = existsSync(out) ? readFileSync(out, 'utf8').split('\n').length - 1 : 0;
        if (lines >= 30) {
          clearInterval(poll);
          child.kill('SIGKILL');
          resolve();
        }
      }, 2);
    });
    await new Promise((resolve) => child.on('exit', resolve));
    const kept = records(out).length;
    expect(kept).toBeGreaterThanOrEqual(30);
    expect(kept).toBeLessThan(240);
    appendFileSync(out, '{"index":239,"num-tok'); // a line cut off by the crash
    const resumed = llmap(['score', model, '--texts', `${work}/texts.jsonl`, '--out', out, '--batch-size', '1']);
    expect(resumed.status, resumed.stderr).toBe(0);
    expect(resumed.stderr).toMatch(new RegExp(`\\] ${kept}/240 texts`));
    const unbroken = llmap(['score', model, '--texts', `${work}/texts.jsonl`, '--out', `${work}/unbroken.jsonl`, '--batch-size', '1']);
    expect(unbroken.status).toBe(0);
    expect(records(out)).toEqual(records(`${work}/unbroken.jsonl`));
  });

  it('llmap score --subset ls:n scores the first appearances of seeded LS draws from the map’s reference scores', () => {
    const map = `${work}/map`;
    mkdirSync(`${map}/scores`, { recursive: true });
    writeFileSync(`${map}/texts.jsonl`, readFileSync(`${work}/texts.jsonl`));
    const full = records(`${work}/full.jsonl`);
    for (let m = 0; m < 4; m++) {
      // Reference vectors derived from the real one, each tilted differently across texts.
      const lines = full.map((r) => JSON.stringify({ index: r.index, 'num-tokens': r.numTokens, 'log-likelihood': r.logLikelihoodNats * (1 + 0.05 * m * Math.sin(r.index * (m + 1))) }));
      writeFileSync(`${map}/scores/ref-${m}.jsonl`, `${lines.join('\n')}\n`);
    }
    const run = llmap(['score', model, '--texts', map, '--out', `${work}/subset.jsonl`, '--subset', 'ls:50', '--seed', '7']);
    expect(run.status, run.stderr).toBe(0);
    const models = [0, 1, 2, 3].map((m) => ({ id: `ref-${m}`, records: records(`${map}/scores/ref-${m}.jsonl`) }));
    const { qModelsByTexts } = fitFrame(logLikelihoodMatrix(models, full.map((r) => r.index)));
    const { draws } = lsDraws(qModelsByTexts, 50, 7);
    expect(records(`${work}/subset.jsonl`).map((r) => r.index)).toEqual([...firstAppearances(draws)].sort((a, b) => a - b));
    expect(JSON.parse(readFileSync(`${work}/subset.jsonl.subset.json`, 'utf8'))).toEqual({ kind: 'ls', seed: 7, draws: Array.from(draws) });
  });

  it('llmap score explains a bad model folder and a bad option, and exits non-zero', () => {
    const missing = llmap(['score', `${work}/nowhere`, '--texts', `${work}/texts.jsonl`, '--out', `${work}/x.jsonl`]);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain('There is no model folder at');
    const badShard = llmap(['score', model, '--texts', `${work}/texts.jsonl`, '--out', `${work}/x.jsonl`, '--shard', '3/3']);
    expect(badShard.status).toBe(1);
    expect(badShard.stderr).toContain('i must be below n');
    const unknown = llmap(['score', model, '--colour', 'red']);
    expect(unknown.stderr).toContain('Unknown option --colour');
  });
});
