/**
 * The real Pile sample: `../shared/artifacts/pile-extraction-benchmark-val/val_decoded.jsonl` (1,000 decoded
 * 200-token spans of the Pile's training split that GPT-Neo 1.3B memorised; see that folder's SOURCE.md). The file
 * is checked against the byte size and sha256 its SOURCE.md records. Artifacts are inputs, never copied into the
 * repository, so only `--with-pile` builds use this domain.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LlmapError } from '../../src/core/errors.ts';
import { decodeUtf8, paragraphDocument } from './chunkText.ts';
import type { SourceRead } from './sourceFiles.ts';

export const PILE_ARTIFACT = 'pile-extraction-benchmark-val';

export function readPileSample(artifactsRoot: string): SourceRead {
  const folder = join(artifactsRoot, PILE_ARTIFACT);
  const sourcePath = join(folder, 'SOURCE.md');
  const dataPath = join(folder, 'val_decoded.jsonl');
  if (!existsSync(sourcePath) || !existsSync(dataPath)) {
    throw new LlmapError('missing-file', `--with-pile needs ${dataPath} and its SOURCE.md; the shared artifacts folder is absent here.`);
  }
  const recorded = /`val_decoded\.jsonl`: (\d+) bytes, sha256 `([0-9a-f]{64})`/.exec(readFileSync(sourcePath, 'utf8'));
  if (recorded === null) throw new LlmapError('unreadable-file', `${sourcePath} no longer records the size and sha256 of val_decoded.jsonl.`);
  const bytes = readFileSync(dataPath);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  if (bytes.length !== Number(recorded[1]) || sha256 !== recorded[2]) {
    throw new LlmapError('unreadable-file', `${dataPath} is ${bytes.length} bytes with sha256 ${sha256}; SOURCE.md records ${recorded[1]} bytes and ${recorded[2]}.`);
  }
  const documents = decodeUtf8(bytes, dataPath)
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const row = JSON.parse(line) as { index: number; text: string };
      return paragraphDocument(`row ${row.index}`, row.text);
    });
  return { documents, origin: `shared artifact \`${PILE_ARTIFACT}\` (val_decoded.jsonl, sha256 ${sha256})`, fileCount: 1, inputBytes: bytes.length, inputSha256: sha256 };
}
