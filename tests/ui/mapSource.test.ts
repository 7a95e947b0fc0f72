import { describe, expect, it } from 'vitest';
import { isLlmapError } from '../../src/core/errors.ts';
import { fetchMapFile, type MapFetch } from '../../src/ui/mapSource.ts';

const folder = 'http://127.0.0.1/maps/default/';

/** A fetch that answers every URL with one response, and remembers what was asked. */
function answering(status: number, contentType: string | null, body: string | Uint8Array<ArrayBuffer>): MapFetch & { asked: string[] } {
  const asked: string[] = [];
  const fetchFn = async (url: string) => {
    asked.push(url);
    return new Response(body, { status, headers: contentType === null ? {} : { 'content-type': contentType } });
  };
  return Object.assign(fetchFn, { asked });
}

async function failure(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await promise;
  } catch (error) {
    if (isLlmapError(error)) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error('expected a rejection');
}

describe('fetchMapFile', () => {
  it('fetchMapFile returns the bytes of a file served with a fitting type', async () => {
    const bytes = await fetchMapFile(folder, 'q.f32', answering(200, 'application/octet-stream', new Uint8Array([1, 2, 3])));
    expect(Array.from(bytes)).toEqual([1, 2, 3]);
  });

  it('fetchMapFile reads a 404 and an HTML answer (a dev server’s fallback) as a missing file, naming it', async () => {
    expect(await failure(fetchMapFile(folder, 'q.f32', answering(404, 'text/plain', 'Not Found')))).toMatchObject({ code: 'missing-file', message: expect.stringContaining('q.f32 is missing: the server answered HTTP 404') });
    expect(await failure(fetchMapFile(folder, 'q.f32', answering(200, 'text/html; charset=utf-8', '<!doctype html>')))).toMatchObject({ code: 'missing-file', message: expect.stringContaining('an HTML page instead') });
  });

  it('fetchMapFile refuses JSON served as another type, and server errors, with a sentence', async () => {
    expect((await failure(fetchMapFile(folder, 'map.json', answering(200, 'text/plain', '{}')))).message).toContain('served as text/plain, not as JSON');
    expect((await failure(fetchMapFile(folder, 'map.json', answering(500, 'application/json', '{}')))).message).toContain('HTTP 500');
  });

  it('fetchMapFile never fetches a name that leaves the map folder', async () => {
    const fetchFn = answering(200, 'application/octet-stream', new Uint8Array());
    for (const name of ['../secret', 'a/../../b', 'http://evil.example/q', '/etc/passwd', 'q.f32?x=1']) {
      expect((await failure(fetchMapFile(folder, name, fetchFn))).code).toBe('corrupt-map');
    }
    expect(fetchFn.asked).toEqual([]);
  });
});
