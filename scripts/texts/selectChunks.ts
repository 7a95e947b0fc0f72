/**
 * Seeded selection of chunks: every draw comes from `seededRng`, so the same candidates and seed give the same picks
 * on every machine.
 */
import { LlmapError } from '../../src/core/errors.ts';
import { seededRng, type Rng } from '../../src/core/rng.ts';

/** A chunk that may be chosen, with the document it came from. */
export interface CandidateChunk {
  readonly documentId: string;
  readonly text: string;
}

/**
 * `chunks`: uniform over all candidate chunks (long documents weigh more).
 * `documents`: uniform over documents that have a candidate, then one chunk uniformly within each (so 120 texts
 * come from 120 different e-mails or speeches, not mostly from the longest ones).
 */
export type Sampling = { readonly kind: 'chunks' } | { readonly kind: 'documents' };

/** A new array in Fisher–Yates order drawn from rng; the input is left as it is. */
export function shuffled<T>(items: readonly T[], rng: Rng): T[] {
  const out = items.slice();
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    const swap = out[i];
    out[i] = out[j];
    out[j] = swap;
  }
  return out;
}

/** FNV-1a over the UTF-16 code units of a label: a 32-bit seed for one part of the text set. */
export function labelSeed(seed: number, label: string): number {
  let hash = (0x811c9dc5 ^ seed) >>> 0;
  for (let k = 0; k < label.length; k++) {
    hash ^= label.charCodeAt(k);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

/** Picks `count` candidates without replacement. */
export function selectChunks(candidates: readonly CandidateChunk[], count: number, sampling: Sampling, seed: number, label: string): CandidateChunk[] {
  const rng = seededRng(labelSeed(seed, label));
  if (sampling.kind === 'chunks') {
    if (candidates.length < count) {
      throw new LlmapError('too-few-texts', `${label}: ${candidates.length} candidate chunks, fewer than the ${count} asked for; lower the count or add sources.`);
    }
    return shuffled(candidates, rng).slice(0, count);
  }
  const byDocument = new Map<string, CandidateChunk[]>();
  for (const candidate of candidates) {
    const list = byDocument.get(candidate.documentId);
    if (list) list.push(candidate);
    else byDocument.set(candidate.documentId, [candidate]);
  }
  const documents = [...byDocument.values()];
  if (documents.length < count) {
    throw new LlmapError('too-few-texts', `${label}: ${documents.length} documents with a candidate chunk, fewer than the ${count} asked for; lower the count or sample by chunks.`);
  }
  return shuffled(documents, rng)
    .slice(0, count)
    .map((chunks) => chunks[Math.floor(rng() * chunks.length)]);
}
