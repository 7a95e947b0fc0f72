/**
 * Debian sources of the text set, found through dpkg (build-time inputs only):
 *   apt-get install -y fortunes fortunes-it fortunes-es bible-kjv dict-jargon dict-devil
 * (base-files, which holds /usr/share/common-licenses, is on every Debian machine).
 */
import { execFileSync } from 'node:child_process';
import { lstatSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { LlmapError } from '../../src/core/errors.ts';
import { decodeUtf8, joinedDocument, paragraphDocument, type SourceDocument } from './chunkText.ts';
import { byCodeUnit, InputDigest, type SourceRead } from './sourceFiles.ts';

const INSTALL_HINT = 'apt-get update && apt-get install -y fortunes fortunes-it fortunes-es bible-kjv dict-jargon dict-devil';

/** The installed version of a Debian package. */
export function debianVersion(packageName: string): string {
  try {
    const status = execFileSync('dpkg-query', ['-W', '-f', '${Status}\t${Version}', packageName], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    const [state, version] = status.split('\t');
    if (state.endsWith(' installed')) return version;
  } catch {
    // not known to dpkg: fall through
  }
  throw new LlmapError('missing-file', `Debian package ${packageName} is not installed; run: ${INSTALL_HINT}`);
}

/** Regular files (not symlinks or folders) a Debian package installed under `prefix`, sorted. */
function packageFiles(packageName: string, prefix: string): string[] {
  debianVersion(packageName);
  const listed = execFileSync('dpkg', ['-L', packageName], { encoding: 'utf8' }).split('\n');
  return listed
    .filter((path) => path.startsWith(prefix))
    .filter((path) => {
      const stat = lstatSync(path, { throwIfNoEntry: false });
      return stat !== undefined && stat.isFile();
    })
    .sort(byCodeUnit);
}

function origin(packageNames: readonly string[]): string {
  return packageNames.map((name) => `Debian \`${name}\` ${debianVersion(name)}`).join(' + ');
}

/**
 * Fortune files of the given packages under `folder` (`keep` filters names relative to it), one document per file.
 * Records are split on the lines holding only `%`; the `%` lines are file format, not text, so records are joined
 * by a blank line instead.
 */
export function readFortunes(packageNames: readonly string[], folder: string, keep: (relativePath: string) => boolean): SourceRead {
  const digest = new InputDigest();
  const documents: SourceDocument[] = [];
  for (const packageName of packageNames) {
    for (const path of packageFiles(packageName, `${folder}/`)) {
      const relative = path.slice(folder.length + 1);
      if (!keep(relative)) continue;
      const text = decodeUtf8(digest.readFile(path, path), path);
      documents.push(joinedDocument(path, text.split(/^%[ \t\r]*$/m), '\n\n'));
    }
  }
  return { documents, origin: origin(packageNames), fileCount: digest.count, inputBytes: digest.bytes, inputSha256: digest.hex() };
}

/** The King James Bible from `bible -f 'Gen1:1-Rev22:21'`: one document per chapter, one verse a line, references dropped. */
export function readKingJamesBible(): SourceRead {
  debianVersion('bible-kjv');
  const digest = new InputDigest();
  const output = digest.add('bible -f Gen1:1-Rev22:21', execFileSync('bible', ['-f', 'Gen1:1-Rev22:21'], { maxBuffer: 64 << 20 }));
  const chapters = new Map<string, string[]>();
  for (const line of decodeUtf8(output, 'bible output').split('\n')) {
    if (line === '') continue;
    const verse = /^(\d?[A-Za-z]+)(\d+):(\d+) (.*)$/.exec(line);
    if (verse === null) throw new LlmapError('unreadable-file', `bible printed a line without a verse reference: ${JSON.stringify(line.slice(0, 80))}`);
    const chapter = `${verse[1]}${verse[2]}`;
    const verses = chapters.get(chapter);
    if (verses) verses.push(verse[4]);
    else chapters.set(chapter, [verse[4]]);
  }
  const documents = [...chapters].map(([chapter, verses]) => joinedDocument(chapter, verses, '\n'));
  return { documents, origin: origin(['bible-kjv', 'bible-kjv-text']), fileCount: 1, inputBytes: digest.bytes, inputSha256: digest.hex() };
}

const DICTD_BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

function dictdNumber(encoded: string): number {
  let value = 0;
  for (const digit of encoded) value = value * 64 + DICTD_BASE64.indexOf(digit);
  return value;
}

/**
 * A dictd dictionary (`/usr/share/dictd/<name>.dict.dz` + `.index`) as one document whose units are its entries
 * in file order, joined by a blank line; the `00-database-*` entries (metadata) are left out.
 */
export function readDictdDictionary(packageName: string, name: string): SourceRead {
  const indexPath = `/usr/share/dictd/${name}.index`;
  const dictPath = `/usr/share/dictd/${name}.dict.dz`;
  if (!packageFiles(packageName, '/usr/share/dictd/').includes(dictPath)) {
    throw new LlmapError('missing-file', `${packageName} did not install ${dictPath}; run: ${INSTALL_HINT}`);
  }
  const digest = new InputDigest();
  const index = decodeUtf8(digest.readFile(indexPath, indexPath), indexPath);
  const dictionary = gunzipSync(digest.readFile(dictPath, dictPath));
  const spans = new Map<number, number>();
  for (const line of index.split('\n')) {
    const [headword, offset, length] = line.split('\t');
    if (length === undefined || headword.startsWith('00database') || headword.startsWith('00-database')) continue;
    spans.set(dictdNumber(offset), dictdNumber(length));
  }
  const entries = [...spans]
    .sort((a, b) => a[0] - b[0])
    .map(([offset, length]) => decodeUtf8(dictionary.subarray(offset, offset + length), `${dictPath} at ${offset}`));
  return { documents: [joinedDocument(name, entries, '\n\n')], origin: origin([packageName]), fileCount: digest.count, inputBytes: digest.bytes, inputSha256: digest.hex() };
}

/** The licence texts of /usr/share/common-licenses (base-files), one document per file; symlinks (GPL → GPL-3) skipped. */
export function readCommonLicenses(): SourceRead {
  const digest = new InputDigest();
  const documents = packageFiles('base-files', '/usr/share/common-licenses/').map((path) =>
    paragraphDocument(path, decodeUtf8(digest.readFile(path, path), path)),
  );
  return { documents, origin: origin(['base-files']), fileCount: digest.count, inputBytes: digest.bytes, inputSha256: digest.hex() };
}
