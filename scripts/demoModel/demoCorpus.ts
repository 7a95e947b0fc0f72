import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

/**
 * The demo model's training text: prose the project wrote itself and owns — its README files and the comments of
 * its TypeScript sources (src/**). Never the map's texts (public/maps/), which come from other people's works.
 */
export interface CorpusDocument {
  /** Path relative to the repository root, '/' separators. */
  readonly path: string;
  readonly bytes: Uint8Array;
}

const PROSE_FILES = ['README.md', 'workers/README.md'];
const COMMENT_ROOTS = ['src'];

export function demoCorpus(repoRoot: string): CorpusDocument[] {
  const encoder = new TextEncoder();
  const documents: CorpusDocument[] = [];
  for (const path of PROSE_FILES) {
    try {
      documents.push({ path, bytes: new Uint8Array(readFileSync(join(repoRoot, path))) });
    } catch {
      // A missing README only makes the corpus smaller.
    }
  }
  for (const root of COMMENT_ROOTS) {
    for (const file of typeScriptFiles(join(repoRoot, root))) {
      const comments = commentText(readFileSync(file, 'utf8'));
      if (comments.length > 0) documents.push({ path: relative(repoRoot, file).split(sep).join('/'), bytes: encoder.encode(comments) });
    }
  }
  return documents;
}

/** Every .ts file under `folder`, sorted, so the corpus (and the model) is the same on every machine. */
function typeScriptFiles(folder: string): string[] {
  const found: string[] = [];
  for (const name of readdirSync(folder).sort()) {
    const path = join(folder, name);
    if (statSync(path).isDirectory()) found.push(...typeScriptFiles(path));
    else if (name.endsWith('.ts')) found.push(path);
  }
  return found;
}

/** The text of a source file's comments: block comments without their `*` gutters, then line comments, one per line. */
export function commentText(source: string): string {
  const lines: string[] = [];
  for (const match of source.matchAll(/\/\*[\s\S]*?\*\/|(?<![:'"`\\])\/\/[^\n]*/g)) {
    const comment = match[0];
    if (comment.startsWith('//')) {
      lines.push(comment.slice(2).trim());
      continue;
    }
    const body = comment
      .slice(2, -2)
      .split('\n')
      .map((line) => line.replace(/^\s*\*\s?/, '').trimEnd());
    lines.push(...body.filter((line, k) => line !== '' || (k > 0 && k < body.length - 1)));
  }
  return lines.filter((line) => line.trim() !== '' && !/^[-=*]+$/.test(line.trim())).join('\n');
}
