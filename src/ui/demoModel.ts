import { LlmapError } from '../core/errors.ts';
import type { ModelFileBlob } from '../scoring/index.ts';

/**
 * The demo model the page can place with no input: a folder under public/models/ (built by
 * scripts/buildDemoModel.ts, which trains it) with a manifest.json listing its files. Each file is fetched from
 * this origin with its status, content type and size checked, and handed to the scoring worker as a Blob.
 */

export interface DemoModel {
  readonly id: string;
  readonly label: string;
  readonly description: string;
  readonly files: ModelFileBlob[];
}

const safePath = /^(?!.*(?:^|\/)\.\.?(?:\/|$))[\w.-]+(?:\/[\w.-]+)*$/;
const notBuilt = 'The demo model is not built. `npm start` and `npm run build` build it first; or run `npm run build:demo`.';

export async function fetchDemoModel(folderUrl: string, fetchFn: typeof fetch = fetch): Promise<DemoModel> {
  const manifestResponse = await fetchChecked(new URL('manifest.json', folderUrl).href, fetchFn);
  if (!/json/i.test(manifestResponse.headers.get('content-type') ?? '')) throw new LlmapError('missing-file', notBuilt);
  let manifest: { id?: unknown; label?: unknown; description?: unknown; files?: unknown };
  try {
    manifest = (await manifestResponse.json()) as typeof manifest;
  } catch {
    throw new LlmapError('unreadable-file', `The demo model's manifest.json is not valid JSON. ${notBuilt}`);
  }
  const listed = Array.isArray(manifest.files) ? (manifest.files as Array<{ path?: unknown; bytes?: unknown }>) : [];
  if (listed.length === 0 || !listed.every((file) => typeof file.path === 'string' && safePath.test(file.path) && Number.isInteger(file.bytes))) {
    throw new LlmapError('unreadable-file', `The demo model's manifest.json does not list its files as {path, bytes}. ${notBuilt}`);
  }
  const files = await Promise.all(
    listed.map(async ({ path, bytes }) => {
      const response = await fetchChecked(new URL(path as string, folderUrl).href, fetchFn);
      const blob = await response.blob();
      if (blob.size !== bytes) {
        throw new LlmapError('unreadable-file', `The demo model's ${path as string} has ${blob.size} bytes, but its manifest says ${bytes as number}. ${notBuilt}`);
      }
      return { path: path as string, blob };
    }),
  );
  return {
    id: typeof manifest.id === 'string' ? manifest.id : 'demo',
    label: typeof manifest.label === 'string' ? manifest.label : 'llmap demo model',
    description: typeof manifest.description === 'string' ? manifest.description : '',
    files,
  };
}

async function fetchChecked(url: string, fetchFn: typeof fetch): Promise<Response> {
  let response: Response;
  try {
    response = await fetchFn(url, { credentials: 'same-origin', mode: 'same-origin' });
  } catch (error) {
    throw new LlmapError('unreadable-file', `The demo model could not be fetched (${error instanceof Error ? error.message : String(error)}). Check that the app's server is running.`);
  }
  if (!response.ok || /^text\/html/i.test(response.headers.get('content-type') ?? '')) {
    const why = response.ok ? 'an HTML page' : `HTTP ${response.status}`;
    throw new LlmapError('missing-file', `${new URL(url).pathname} answered ${why}. ${notBuilt}`);
  }
  return response;
}
