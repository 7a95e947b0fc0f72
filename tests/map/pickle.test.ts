import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { isLlmapError } from '../../src/core/errors.ts';
import { seededRng } from '../../src/core/rng.ts';
import { readPickle, type NumpyArray, type PickleValue } from '../../src/map/pickle.ts';

// Fixtures: tests/fixtures/make_modelmap_pickles.py (Python's own pickle module and numpy 1.24 wrote them).
const folder = fileURLToPath(new URL('../fixtures/modelmap/', import.meta.url));
const fixture = (name: string) => new Uint8Array(readFileSync(`${folder}${name}`));
const protocols = [2, 4, 5] as const;

/** The `values` dict of make_modelmap_pickles.py as readPickle represents it. */
const shared = ['shared', 1];
const expectedValues = new Map<PickleValue, PickleValue>([
  ['ints', [0, 1, -1, 255, 256, 65535, 65536, -(2 ** 31), 2 ** 31 - 1, 2 ** 31, 2n ** 53n, -(2n ** 63n), 2n ** 64n + 1n, -(2n ** 100n)]],
  ['floats', [0, -0, 1.5, -2.25, 1e-300, 6.02214076e23, Infinity, -Infinity]],
  ['strings', ['', 'ascii', 'ünïcödé', '日本語', 'emoji 😀', 'x'.repeat(300)]],
  ['bytes', [new Uint8Array(0), Uint8Array.from([0, 255, ...new TextEncoder().encode(' bytes')]), new Uint8Array(300).fill(0x79), Uint8Array.from([1, 2])]],
  ['tuples', [[], [1], [1, 'two'], [1, 2, 3], [1, 2, 3, 4, [5, [6]]]]],
  ['nested', new Map<PickleValue, PickleValue>([['list', [[], [[]], new Map<PickleValue, PickleValue>([['k', [1, new Map([['deep', null]])]]])]], ['flags', [true, false, null]]])],
  ['sets', [new Set(), new Set([1, 2, 3]), new Set(['a', 'b'])]],
  ['ordered', new Map<PickleValue, PickleValue>([['b', 2], ['a', 1]])],
  ['memo', [shared, shared]],
  ['intKeys', new Map<PickleValue, PickleValue>([[1, 'one'], [-2, 'minus two']])],
]);

/** PROTO 2, the opcodes given, STOP. */
const assemble = (...parts: Array<number | string | number[]>) =>
  Uint8Array.from([0x80, 2, ...parts.flatMap((part) => (typeof part === 'number' ? [part] : typeof part === 'string' ? [...new TextEncoder().encode(part)] : part)), 0x2e]);

function rejection(bytes: Uint8Array): { code?: string; message: string; details?: Record<string, unknown> } {
  try {
    readPickle(bytes, 'test.pkl');
  } catch (error) {
    expect(isLlmapError(error), String(error)).toBe(true);
    return error as { code: string; message: string; details: Record<string, unknown> };
  }
  throw new Error('readPickle accepted the input');
}

describe('readPickle', () => {
  it.each(protocols)('readPickle reads nested dicts, lists, tuples, sets, big ints, floats, unicode and bytes (protocol %i)', (protocol) => {
    const value = readPickle(fixture(`values-p${protocol}.pkl`)) as Map<PickleValue, PickleValue>;
    expect(value).toEqual(expectedValues);
    expect([...value.keys()]).toEqual([...expectedValues.keys()]);
    expect(Object.is((value.get('floats') as number[])[1], -0)).toBe(true);
    expect([...(value.get('ordered') as Map<string, number>).keys()]).toEqual(['b', 'a']);
  });

  it.each(protocols)('readPickle makes tuples frozen arrays and lists plain arrays, and keeps memo references shared (protocol %i)', (protocol) => {
    const value = readPickle(fixture(`values-p${protocol}.pkl`)) as Map<string, PickleValue>;
    const tuples = value.get('tuples') as PickleValue[];
    expect(tuples.every((tuple) => Object.isFrozen(tuple))).toBe(true);
    expect(Object.isFrozen(tuples)).toBe(false);
    const [first, second] = value.get('memo') as PickleValue[];
    expect(first).toBe(second);
  });

  it('readPickle reads LONG4, BINUNICODE8, BINBYTES8, BININT2, DUP, POP, POP_MARK, LIST, DICT and NEWOBJ of OrderedDict', () => {
    const u64 = (n: number) => [n, 0, 0, 0, 0, 0, 0, 0];
    const bytes = assemble(
      0x28, // MARK
      0x8b, [9, 0, 0, 0], [0, 0, 0, 0, 0, 0, 0, 0, 0x80], // LONG4 −2^71
      0x8d, u64(3), 'añ', // BINUNICODE8 (3 UTF-8 bytes)
      0x8e, u64(2), [7, 8], // BINBYTES8
      0x4d, [0x34, 0x12], // BININT2 0x1234
      0x32, 0x30, // DUP, POP
      0x28, 0x4b, 5, 0x31, // MARK, BININT1, POP_MARK
      0x28, 0x8c, 1, 'k', 0x4b, 9, 0x64, // MARK 'k' 9 DICT
      0x63, 'collections\nOrderedDict\n', 0x29, 0x81, // GLOBAL, EMPTY_TUPLE, NEWOBJ
      0x6c, // LIST
    );
    expect(readPickle(bytes)).toEqual([-(2n ** 71n), 'añ', Uint8Array.from([7, 8]), 0x1234, new Map([['k', 9]]), new Map()]);
  });

  it.each(protocols)('readPickle decodes numpy arrays of every dtype, byte order and memory order exactly (protocol %i)', (protocol) => {
    const expected = JSON.parse(readFileSync(`${folder}arrays-expected.json`, 'utf8')) as Record<string, { shape?: number[]; values?: Array<number | string>; scalar?: number }>;
    const arrays = readPickle(fixture(`arrays-p${protocol}.pkl`)) as Map<string, PickleValue>;
    expect([...arrays.keys()]).toEqual(Object.keys(expected));
    for (const [name, want] of Object.entries(expected)) {
      const got = arrays.get(name);
      if (want.scalar !== undefined) {
        expect(got, name).toBe(want.scalar);
        continue;
      }
      const array = got as NumpyArray;
      expect(array.kind, name).toBe('ndarray');
      expect(array.shape, name).toEqual(want.shape);
      expect(Array.from(array.values), name).toEqual(want.values!.map((v) => (v === 'inf' ? Infinity : v)));
    }
    expect((arrays.get('f8_be') as NumpyArray).dtype).toBe('>f8');
    expect((arrays.get('i4_be') as NumpyArray).dtype).toBe('>i4');
    expect((arrays.get('f2') as NumpyArray).dtype).toBe('<f2');
    expect((arrays.get('b1') as NumpyArray).dtype).toBe('|b1');
  });

  it("readPickle reads numpy 2's module names (numpy._core.multiarray) as numpy 1's", () => {
    const numpy1 = fixture('arrays-p2.pkl');
    const renamed = new TextDecoder('latin1').decode(numpy1).replaceAll('numpy.core.multiarray\n', 'numpy._core.multiarray\n');
    expect(renamed).not.toBe(new TextDecoder('latin1').decode(numpy1));
    expect(readPickle(Uint8Array.from(renamed, (c) => c.charCodeAt(0)))).toEqual(readPickle(numpy1));
  });

  it.each([
    ['forbidden-os-system-handmade.pkl', 'os.system'],
    ['forbidden-os-system-p2.pkl', 'posix.system'],
    ['forbidden-os-system-p4.pkl', 'posix.system'],
    ['forbidden-eval-p5.pkl', 'builtins.eval'],
  ])('readPickle rejects %s, naming the global %s, without running it', (file, global) => {
    const error = rejection(fixture(file));
    expect(error.code).toBe('unreadable-file');
    expect(error.message).toContain(`names the Python global ${global}`);
    expect(error.message).toContain('test.pkl');
    expect(error.details).toMatchObject({ global });
  });

  it('readPickle rejects every truncation of a real-structure pickle as unreadable-file', () => {
    const bytes = fixture('model-data-8.pkl');
    for (let length = 0; length < bytes.length; length++) {
      const error = rejection(bytes.subarray(0, length));
      expect(error.code, `cut at ${length}`).toBe('unreadable-file');
    }
    expect(rejection(bytes.subarray(0, bytes.length - 200)).message).toMatch(/ends early.*truncated/);
  });

  it('readPickle either reads or rejects with an LlmapError a pickle with one corrupted byte (400 seeded cases)', () => {
    const bytes = fixture('model-data-8.pkl');
    const random = seededRng(7);
    for (let k = 0; k < 400; k++) {
      const corrupted = bytes.slice();
      corrupted[Math.floor(random() * corrupted.length)] = Math.floor(random() * 256);
      try {
        readPickle(corrupted);
      } catch (error) {
        expect(isLlmapError(error), `case ${k}: ${String(error)}`).toBe(true);
      }
    }
  });

  it('readPickle rejects non-pickles, protocols outside 2–5, unknown opcodes and GETs of unstored memo entries', () => {
    expect(rejection(new TextEncoder().encode('{"json": true}')).message).toContain('does not start with the PROTO opcode');
    expect(rejection(Uint8Array.from([0x80, 6, 0x4e, 0x2e])).message).toContain('protocol 6');
    expect(rejection(assemble(0x51)).message).toContain('opcode 0x51'); // BINPERSID
    expect(rejection(assemble(0x82, 1)).message).toContain('opcode 0x82'); // EXT1
    expect(rejection(assemble(0x68, 3)).message).toContain('memo entry 3');
    expect(rejection(assemble(0x4e, 0x4e)).message).toContain('STOP with 2 values');
    expect(rejection(assemble(0x29, 0x4e, 0x61)).message).toContain('APPEND needs a list');
  });
});
