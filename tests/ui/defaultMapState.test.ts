import { describe, expect, it } from 'vitest';
import {
  classifyMapResponse,
  describeDefaultMapState,
  fetchDefaultMapState,
  READABLE_MAP_FORMAT_VERSIONS,
  type MapResponse,
} from '../../src/ui/defaultMapState.ts';

const url = 'http://127.0.0.1/maps/default/map.json';
const readableVersion = READABLE_MAP_FORMAT_VERSIONS[0];

function answer(partial: Partial<MapResponse>): MapResponse {
  return { url, httpStatus: 200, contentType: 'application/json', bodyText: '{}', ...partial };
}

describe('classifyMapResponse', () => {
  it('classifyMapResponse(404) is missing', () => {
    expect(classifyMapResponse(answer({ httpStatus: 404, contentType: 'text/plain', bodyText: 'nope' })).kind).toBe(
      'missing',
    );
  });

  it("classifyMapResponse(200 text/html, the dev server's fallback) is missing, not a parse error", () => {
    const state = classifyMapResponse(
      answer({ contentType: 'text/html; charset=utf-8', bodyText: '<!doctype html><html></html>' }),
    );
    expect(state.kind).toBe('missing');
  });

  it('classifyMapResponse(200 markup without a content type) is missing', () => {
    expect(classifyMapResponse(answer({ contentType: null, bodyText: '  <html>' })).kind).toBe('missing');
  });

  it('classifyMapResponse(500) is unreadable and names the status', () => {
    const state = classifyMapResponse(answer({ httpStatus: 500 }));
    expect(state).toEqual({ kind: 'unreadable', url, reason: 'the server answered HTTP 500' });
  });

  it('classifyMapResponse(a non-JSON content type) is unreadable', () => {
    expect(classifyMapResponse(answer({ contentType: 'application/octet-stream', bodyText: '{}' })).kind).toBe(
      'unreadable',
    );
  });

  it('classifyMapResponse(truncated JSON) is unreadable and quotes the parser', () => {
    const state = classifyMapResponse(answer({ bodyText: '{"formatVersion": 1,' }));
    expect(state.kind).toBe('unreadable');
    if (state.kind === 'unreadable') expect(state.reason).toMatch(/^it is not valid JSON \(/);
  });

  it('classifyMapResponse(a JSON array) is unreadable', () => {
    expect(classifyMapResponse(answer({ bodyText: '[1, 2]' })).kind).toBe('unreadable');
  });

  it('classifyMapResponse(an unknown or absent formatVersion) is unknown-format-version', () => {
    expect(classifyMapResponse(answer({ bodyText: '{"formatVersion": 999}' }))).toEqual({
      kind: 'unknown-format-version',
      url,
      formatVersion: 999,
    });
    expect(classifyMapResponse(answer({ bodyText: '{"formatVersion": "1"}' })).kind).toBe('unknown-format-version');
    expect(classifyMapResponse(answer({ bodyText: '{}' })).kind).toBe('unknown-format-version');
  });

  it('classifyMapResponse(a readable formatVersion, +json content type) is present', () => {
    const state = classifyMapResponse(
      answer({ contentType: 'application/vnd.llmap+json', bodyText: JSON.stringify({ formatVersion: readableVersion }) }),
    );
    expect(state).toEqual({ kind: 'present', url, formatVersion: readableVersion });
  });
});

describe('describeDefaultMapState', () => {
  it('describeDefaultMapState(present) says the map is being loaded and checked', () => {
    const message = describeDefaultMapState({ kind: 'present', url, formatVersion: readableVersion });
    expect(message.tone).toBe('info');
    expect(message.headline).toContain('loading and checking its files');
  });

  it('describeDefaultMapState(missing) says no default map is shipped and nothing is invented', () => {
    const message = describeDefaultMapState({ kind: 'missing', url, reason: 'the server answered HTTP 404' });
    expect(message.headline).toContain('No default map is shipped yet.');
    expect(message.headline).toContain('nothing here is invented');
  });

  it('describeDefaultMapState(unknown-format-version) gives both versions', () => {
    const message = describeDefaultMapState({ kind: 'unknown-format-version', url, formatVersion: 999 });
    expect(message.tone).toBe('problem');
    expect(message.headline).toContain('format version 999');
    expect(message.headline).toContain(`it reads format version ${READABLE_MAP_FORMAT_VERSIONS.join(', ')}`);
  });

  it('describeDefaultMapState(unknown-format-version without the field) says the field is absent', () => {
    const message = describeDefaultMapState({ kind: 'unknown-format-version', url, formatVersion: undefined });
    expect(message.headline).toContain('no formatVersion field');
  });
});

describe('fetchDefaultMapState', () => {
  it('fetchDefaultMapState(a fetch that rejects) is unreachable, not a thrown error', async () => {
    const failingFetch = (() => Promise.reject(new TypeError('Failed to fetch'))) as typeof fetch;
    expect(await fetchDefaultMapState(url, failingFetch)).toEqual({ kind: 'unreachable', url, reason: 'Failed to fetch' });
  });

  it('fetchDefaultMapState reads status, content type and body from the Response', async () => {
    const fakeFetch = (() =>
      Promise.resolve(
        new Response(JSON.stringify({ formatVersion: 999 }), { headers: { 'content-type': 'application/json' } }),
      )) as typeof fetch;
    expect((await fetchDefaultMapState(url, fakeFetch)).kind).toBe('unknown-format-version');
  });
});
