import type { ModelFileBlob } from '../scoring/index.ts';

/**
 * A digest of a model folder's contents for its resume key: SHA-256 over each file's path, size, first and last
 * 256 KiB. Two exports with the same file sizes but other weights get other keys (the demo model's table always has
 * the same size), without reading a multi-gigabyte model whole.
 */
const SAMPLE_BYTES = 256 * 1024;

export async function modelFingerprint(files: readonly ModelFileBlob[]): Promise<string> {
  const parts: BlobPart[] = [];
  for (const { path, blob } of [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))) {
    parts.push(`${path}\u0000${blob.size}\u0000`);
    if (blob.size <= 2 * SAMPLE_BYTES) parts.push(blob);
    else parts.push(blob.slice(0, SAMPLE_BYTES), blob.slice(blob.size - SAMPLE_BYTES));
  }
  const digest = await crypto.subtle.digest('SHA-256', await new Blob(parts).arrayBuffer());
  return Array.from(new Uint8Array(digest).subarray(0, 12), (byte) => byte.toString(16).padStart(2, '0')).join('');
}
