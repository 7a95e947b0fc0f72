/** Reading source files for the text set: sorted listings, strict UTF-8, and a digest of every input read. */
import { createHash, type Hash } from 'node:crypto';
import { lstatSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SourceDocument } from './chunkText.ts';

/** What one reader found: the documents, where they came from, and a digest that pins the exact inputs. */
export interface SourceRead {
  readonly documents: readonly SourceDocument[];
  /** Package and version, e.g. "Debian `fortunes` 1:1.99.1-7.3". */
  readonly origin: string;
  readonly fileCount: number;
  readonly inputBytes: number;
  /** sha256 over (name, bytes) of every input in reading order. */
  readonly inputSha256: string;
  /** Inputs read but left out, and why. */
  readonly skippedNote?: string;
}

/** Code-unit order, the same on every machine and locale. */
export function byCodeUnit(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Relative paths of the regular files under root (symlinks skipped) that pass `keep`, sorted by code unit. */
export function sortedFiles(root: string, keep: (relativePath: string) => boolean): string[] {
  const found: string[] = [];
  const walk = (relative: string): void => {
    for (const name of readdirSync(join(root, relative)).sort(byCodeUnit)) {
      const child = relative === '' ? name : `${relative}/${name}`;
      const stat = lstatSync(join(root, child));
      if (stat.isDirectory()) walk(child);
      else if (stat.isFile() && keep(child)) found.push(child);
    }
  };
  walk('');
  return found.sort(byCodeUnit);
}

/** Accumulates the digest of a reader's inputs. */
export class InputDigest {
  private readonly hash: Hash = createHash('sha256');
  count = 0;
  bytes = 0;

  add(name: string, bytes: Uint8Array): Uint8Array {
    this.hash.update(name).update('\0').update(bytes).update('\0');
    this.count++;
    this.bytes += bytes.length;
    return bytes;
  }

  readFile(name: string, path: string): Uint8Array {
    return this.add(name, readFileSync(path));
  }

  hex(): string {
    return this.hash.digest('hex');
  }
}
