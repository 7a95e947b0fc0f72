import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** ../shared/artifacts beside the repository: inputs read at test time, never copied into the repository. */
export const ARTIFACTS = fileURLToPath(new URL('../../../shared/artifacts/', import.meta.url));
export const ARTIFACTS_PRESENT = existsSync(ARTIFACTS);

/** The sha256 of every file in a SOURCE.md's Files table, by file name. */
export function recordedSha256(folder: string): Map<string, string> {
  const source = readFileSync(join(folder, 'SOURCE.md'), 'utf8');
  const rows = [...source.matchAll(/^\| `([^`]+)` \|.*\| `([0-9a-f]{64})` \|\s*$/gm)];
  return new Map(rows.map(([, file, sha256]) => [file, sha256]));
}

/** A file's bytes after checking them against the sha256 its SOURCE.md records. */
export function readChecked(folder: string, file: string): Uint8Array {
  const expected = recordedSha256(folder).get(file);
  if (!expected) throw new Error(`${folder}/SOURCE.md records no sha256 for ${file}`);
  const bytes = new Uint8Array(readFileSync(join(folder, file)));
  const found = createHash('sha256').update(bytes).digest('hex');
  if (found !== expected) throw new Error(`${folder}/${file} has sha256 ${found}, but SOURCE.md records ${expected}: the artifact changed.`);
  return bytes;
}
