import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { place } from '../../src/core/place.ts';
import { loadMap } from '../../src/map/loadMap.ts';
import { parseRecordLines } from '../../src/scoring/records.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const artifacts = `${root}../shared/artifacts`;
const out = `${root}tests/output/smoke-default-map`;

/** CI's smoke version of `npm run build:map`: three real converted models (one per format) on 20 texts. */
describe.skipIf(!existsSync(artifacts))('npm run build:map -- --smoke', { timeout: 300_000 }, () => {
  it('converts, scores and maps one real model of each format, and the map places each back on itself', async () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', `${root}scripts/buildDefaultMap.ts`, '--smoke', '--threads', '1'], { cwd: root, encoding: 'utf8' });
    expect(run.status, run.stderr.slice(-2000)).toBe(0);
    const { manifest, frame } = await loadMap(async (file) => new Uint8Array(readFileSync(`${out}/${file}`)));
    expect(manifest.models.map((model) => model.id)).toEqual(['tinyllamas-stories260K', 'ml5-charrnn-shakespeare', 'textgenrnn-hacker_news']);
    expect(manifest.texts.count).toBe(20);
    expect(manifest.scoring.unknownCharacterPolicy).toContain('byte-fallback floor');
    manifest.models.forEach((model, i) => {
      expect(model.licence).toContain('MIT');
      const records = parseRecordLines(readFileSync(`${out}/scores/${model.id}.jsonl`, 'utf8'));
      expect(records).toHaveLength(20);
      const placement = place(frame, { logLikelihoodsNats: records.map((record) => record.logLikelihoodNats) }, { bootstrapReplicates: 0 });
      expect(placement.nearest[0].index).toBe(i);
    });
  });
});
