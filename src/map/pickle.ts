import { LlmapError } from '../core/errors.ts';

/**
 * A value read from a Python pickle. int → number when |v| ≤ 2^53 − 1, else bigint; float → number; str → string;
 * bytes and bytearray → Uint8Array (a copy); list → array; tuple → frozen array; dict and OrderedDict → Map;
 * set and frozenset → Set; numpy array → NumpyArray; numpy scalar → number (bool → boolean).
 */
export type PickleValue =
  | null
  | boolean
  | number
  | bigint
  | string
  | Uint8Array
  | readonly PickleValue[]
  | ReadonlyMap<PickleValue, PickleValue>
  | ReadonlySet<PickleValue>
  | NumpyArray
  | NumpyDtype
  | PickleGlobal;

/** A numpy array, its elements converted to float64 in C (row-major) order whatever its dtype and memory order. */
export interface NumpyArray {
  readonly kind: 'ndarray';
  /** The stored dtype, byte order first: '<f8', '>i4', '|u1', '|b1'. */
  readonly dtype: string;
  readonly shape: readonly number[];
  readonly values: Float64Array;
}

/** A numpy dtype on its own (only simple numeric dtypes are read). */
export interface NumpyDtype {
  readonly kind: 'dtype';
  readonly name: string;
  readonly byteOrder: '<' | '>' | '|';
}

/** An allowed class a pickle names but never calls (it stays a marker; nothing is imported). */
export interface PickleGlobal {
  readonly kind: 'global';
  readonly name: string;
}

/** The Python globals a pickle may name: the constructors llmap rebuilds itself. Nothing else is resolved. */
export const ALLOWED_PICKLE_GLOBALS: readonly string[] = [
  'numpy.core.multiarray._reconstruct',
  'numpy.ndarray',
  'numpy.dtype',
  'numpy.core.multiarray.scalar',
  'numpy.core.numeric._frombuffer',
  'collections.OrderedDict',
  'builtins.set',
  'builtins.frozenset',
  'builtins.bytes',
  'builtins.bytearray',
  '_codecs.encode',
];

type MutableArray = { kind: 'ndarray'; dtype: string; shape: number[]; values: Float64Array };
type MutableDtype = { kind: 'dtype'; name: string; byteOrder: '<' | '>' | '|' };

/**
 * Reads one pickle (protocols 2–5) without running anything: a stack machine over the data opcodes, where GLOBAL and
 * STACK_GLOBAL resolve only to ALLOWED_PICKLE_GLOBALS (numpy arrays, dtypes and scalars, OrderedDict, set, frozenset,
 * bytes) and llmap rebuilds those itself. Any other global, an unknown opcode, a truncated file or a malformed
 * structure is an 'unreadable-file' LlmapError naming `source`, the byte offset and the global or opcode.
 */
export function readPickle(bytes: Uint8Array, source = 'the pickle'): PickleValue {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const utf8 = new TextDecoder('utf-8', { fatal: true });
  const stack: PickleValue[] = [];
  const marks: number[] = [];
  const memo = new Map<number, PickleValue>();
  let at = 0;
  let opcodeAt = 0;
  const fail = (what: string, details: Record<string, unknown> = {}): never => {
    throw new LlmapError('unreadable-file', `${source} cannot be read as a pickle: ${what} (byte ${opcodeAt}).`, { source, offset: opcodeAt, ...details });
  };
  const need = (count: number | bigint): number => {
    if (BigInt(count) > BigInt(bytes.length - at)) {
      fail(`it ends early, ${count} more bytes were needed after byte ${at} of ${bytes.length}; the file is truncated, download it again`);
    }
    const start = at;
    at += Number(count);
    return start;
  };
  const u8 = () => bytes[need(1)];
  const u16 = () => view.getUint16(need(2), true);
  const u32 = () => view.getUint32(need(4), true);
  const u64 = () => view.getBigUint64(need(8), true);
  const chunk = (length: number | bigint) => bytes.subarray(need(length), at);
  const text = (length: number | bigint) => {
    const raw = chunk(length);
    try {
      return utf8.decode(raw);
    } catch {
      return fail('a string is not valid UTF-8');
    }
  };
  const line = () => {
    const end = bytes.indexOf(0x0a, at);
    if (end < 0) fail('a GLOBAL name has no end of line; the file is truncated');
    return new TextDecoder('latin1').decode(chunk(end - at + 1)).slice(0, -1);
  };
  const top = (): PickleValue => {
    if (stack.length === 0 || (marks.length > 0 && stack.length <= marks[marks.length - 1])) fail('an opcode needs a value and the stack is empty');
    return stack[stack.length - 1];
  };
  const pop = (): PickleValue => {
    top();
    return stack.pop() as PickleValue;
  };
  const popMark = (): PickleValue[] => {
    const start = marks.pop();
    if (start === undefined) return fail('an opcode needs a MARK and there is none');
    return stack.splice(start);
  };
  const list = (value: PickleValue): PickleValue[] => {
    if (!Array.isArray(value) || Object.isFrozen(value)) fail('APPEND needs a list');
    return value as PickleValue[];
  };
  const dict = (value: PickleValue): Map<PickleValue, PickleValue> => {
    if (!(value instanceof Map)) fail('SETITEM needs a dict');
    return value as Map<PickleValue, PickleValue>;
  };
  const set = (value: PickleValue): Set<PickleValue> => {
    if (!(value instanceof Set)) fail('ADDITEMS needs a set');
    return value as Set<PickleValue>;
  };
  const resolve = (module: string, name: string): PickleGlobal => {
    const qualified = canonicalGlobal(`${module}.${name}`);
    if (!ALLOWED_PICKLE_GLOBALS.includes(qualified)) {
      throw new LlmapError(
        'unreadable-file',
        `${source} names the Python global ${module}.${name} (byte ${opcodeAt}). llmap never runs code from a pickle and rebuilds only ${ALLOWED_PICKLE_GLOBALS.join(', ')}; re-save the data as plain lists, dicts and numpy arrays.`,
        { source, offset: opcodeAt, global: `${module}.${name}` },
      );
    }
    return { kind: 'global', name: qualified };
  };
  const call = (callee: PickleValue, args: PickleValue): PickleValue => {
    if (!isGlobal(callee)) return fail('REDUCE calls something that is not an allowed constructor');
    if (!Array.isArray(args)) return fail(`the arguments of ${callee.name} are not a tuple`);
    return construct(callee.name, args as PickleValue[], fail);
  };

  if (bytes.length < 2 || bytes[0] !== 0x80) fail('it does not start with the PROTO opcode of pickle protocols 2–5 (is it a pickle at all?)');
  for (;;) {
    opcodeAt = at;
    const opcode = u8();
    switch (opcode) {
      case 0x80: { // PROTO
        const protocol = u8();
        if (protocol < 2 || protocol > 5) fail(`pickle protocol ${protocol}; llmap reads protocols 2–5`);
        break;
      }
      case 0x95: u64(); break; // FRAME: a length hint; every read is bounds-checked anyway
      case 0x28: marks.push(stack.length); break; // MARK
      case 0x2e: { // STOP
        if (stack.length !== 1 || marks.length > 0) fail(`STOP with ${stack.length} values on the stack`);
        return stack[0];
      }
      case 0x30: pop(); break; // POP
      case 0x31: popMark(); break; // POP_MARK
      case 0x32: stack.push(top()); break; // DUP
      case 0x4e: stack.push(null); break; // NONE
      case 0x88: stack.push(true); break; // NEWTRUE
      case 0x89: stack.push(false); break; // NEWFALSE
      case 0x4a: stack.push(view.getInt32(need(4), true)); break; // BININT
      case 0x4b: stack.push(u8()); break; // BININT1
      case 0x4d: stack.push(u16()); break; // BININT2
      case 0x8a: stack.push(littleEndianSigned(chunk(u8()))); break; // LONG1
      case 0x8b: { // LONG4
        const length = view.getInt32(need(4), true);
        if (length < 0) fail('LONG4 with a negative length');
        stack.push(littleEndianSigned(chunk(length)));
        break;
      }
      case 0x47: stack.push(view.getFloat64(need(8), false)); break; // BINFLOAT (big-endian)
      case 0x8c: stack.push(text(u8())); break; // SHORT_BINUNICODE
      case 0x58: stack.push(text(u32())); break; // BINUNICODE
      case 0x8d: stack.push(text(u64())); break; // BINUNICODE8
      case 0x43: stack.push(new Uint8Array(chunk(u8()))); break; // SHORT_BINBYTES
      case 0x42: stack.push(new Uint8Array(chunk(u32()))); break; // BINBYTES
      case 0x8e: stack.push(new Uint8Array(chunk(u64()))); break; // BINBYTES8
      case 0x96: stack.push(new Uint8Array(chunk(u64()))); break; // BYTEARRAY8
      case 0x98: top(); break; // READONLY_BUFFER: no-op for an in-band buffer
      case 0x7d: stack.push(new Map()); break; // EMPTY_DICT
      case 0x5d: stack.push([]); break; // EMPTY_LIST
      case 0x29: stack.push(Object.freeze([])); break; // EMPTY_TUPLE
      case 0x8f: stack.push(new Set()); break; // EMPTY_SET
      case 0x85: stack.push(Object.freeze([pop()])); break; // TUPLE1
      case 0x86: { const b = pop(); stack.push(Object.freeze([pop(), b])); break; } // TUPLE2
      case 0x87: { const c = pop(); const b = pop(); stack.push(Object.freeze([pop(), b, c])); break; } // TUPLE3
      case 0x74: stack.push(Object.freeze(popMark())); break; // TUPLE
      case 0x6c: stack.push(popMark()); break; // LIST
      case 0x64: stack.push(pairsToMap(popMark(), fail)); break; // DICT
      case 0x91: stack.push(new Set(popMark())); break; // FROZENSET
      case 0x61: { const item = pop(); list(top()).push(item); break; } // APPEND
      case 0x65: { const items = popMark(); const target = list(top()); for (const item of items) target.push(item); break; } // APPENDS
      case 0x73: { const v = pop(); const k = pop(); dict(top()).set(k, v); break; } // SETITEM
      case 0x75: { const items = popMark(); const target = dict(top()); pairsToMap(items, fail, target); break; } // SETITEMS
      case 0x90: { const items = popMark(); const target = set(top()); for (const item of items) target.add(item); break; } // ADDITEMS
      case 0x94: memo.set(memo.size, top()); break; // MEMOIZE
      case 0x71: memo.set(u8(), top()); break; // BINPUT
      case 0x72: memo.set(u32(), top()); break; // LONG_BINPUT
      case 0x68: case 0x6a: { // BINGET, LONG_BINGET
        const key = opcode === 0x68 ? u8() : u32();
        if (!memo.has(key)) fail(`GET of memo entry ${key}, which was never stored`);
        stack.push(memo.get(key) as PickleValue);
        break;
      }
      case 0x63: { const module = line(); stack.push(resolve(module, line())); break; } // GLOBAL
      case 0x93: { // STACK_GLOBAL
        const name = pop();
        const module = pop();
        if (typeof module !== 'string' || typeof name !== 'string') fail('STACK_GLOBAL needs two strings');
        stack.push(resolve(module as string, name as string));
        break;
      }
      case 0x52: { const args = pop(); stack.push(call(pop(), args)); break; } // REDUCE
      case 0x81: { const args = pop(); stack.push(call(pop(), args)); break; } // NEWOBJ: cls.__new__(cls, *args)
      case 0x62: { const state = pop(); build(top(), state, fail); break; } // BUILD
      default:
        fail(`opcode 0x${opcode.toString(16).padStart(2, '0')} (${JSON.stringify(String.fromCharCode(opcode))}) is not one llmap reads: it persists objects, calls extension code, needs out-of-band buffers or belongs to protocol 0/1`, { opcode });
    }
  }
}

function isGlobal(item: unknown): item is PickleGlobal {
  return typeof item === 'object' && item !== null && (item as { kind?: unknown }).kind === 'global' && !Array.isArray(item);
}

/** numpy 2 renamed numpy.core to numpy._core; protocol 2 writes builtins as __builtin__. */
function canonicalGlobal(name: string): string {
  return name.replace(/^numpy\._core\./, 'numpy.core.').replace(/^__builtin__\./, 'builtins.');
}

function littleEndianSigned(raw: Uint8Array): number | bigint {
  let result = 0n;
  for (let k = raw.length - 1; k >= 0; k--) result = (result << 8n) | BigInt(raw[k]);
  if (raw.length > 0 && raw[raw.length - 1] & 0x80) result -= 1n << BigInt(8 * raw.length);
  return toIntegerValue(result);
}

function toIntegerValue(integer: bigint): number | bigint {
  return integer >= BigInt(Number.MIN_SAFE_INTEGER) && integer <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(integer) : integer;
}

function pairsToMap(items: PickleValue[], fail: (what: string) => never, into = new Map<PickleValue, PickleValue>()): Map<PickleValue, PickleValue> {
  if (items.length % 2 !== 0) fail('a dict has a key without a value');
  for (let k = 0; k < items.length; k += 2) into.set(items[k], items[k + 1]);
  return into;
}

/** Rebuilds an allowed constructor's result from its arguments; nothing is imported or run. */
function construct(name: string, args: PickleValue[], fail: (what: string) => never): PickleValue {
  const bytesArg = (v: PickleValue | undefined): Uint8Array => (v instanceof Uint8Array ? v : fail(`${name} needs bytes`));
  switch (name) {
    case 'numpy.core.multiarray._reconstruct': {
      if (!isGlobal(args[0]) || args[0].name !== 'numpy.ndarray') fail(`_reconstruct builds ${isGlobal(args[0]) ? args[0].name : 'a non-class'}; llmap reads only numpy.ndarray`);
      return { kind: 'ndarray', dtype: '<f8', shape: [0], values: new Float64Array(0) } satisfies MutableArray;
    }
    case 'numpy.dtype': {
      if (typeof args[0] !== 'string') fail('numpy.dtype needs a type name');
      return { kind: 'dtype', name: args[0] as string, byteOrder: '<' } satisfies MutableDtype;
    }
    case 'numpy.core.multiarray.scalar': {
      const dtype = asDtype(args[0], fail);
      const raw = typeof args[1] === 'string' ? latin1(args[1]) : bytesArg(args[1]);
      const values = decodeElements(raw, dtype, 1, fail);
      return dtype.name === 'b1' ? values[0] !== 0 : values[0];
    }
    case 'numpy.core.numeric._frombuffer': {
      const dtype = asDtype(args[1], fail);
      const array: MutableArray = { kind: 'ndarray', dtype: '', shape: [], values: new Float64Array(0) };
      fillArray(array, bytesArg(args[0]), dtype, args[2] as PickleValue, args[3] === 'F', fail);
      return array;
    }
    case 'collections.OrderedDict': {
      const pairs = args.length === 0 ? [] : (args[0] as PickleValue[]);
      if (!Array.isArray(pairs)) fail('OrderedDict needs a list of pairs');
      return new Map(pairs.map((pair) => (Array.isArray(pair) && pair.length === 2 ? [pair[0], pair[1]] : fail('OrderedDict needs (key, value) pairs'))));
    }
    case 'builtins.set':
    case 'builtins.frozenset': {
      const items = args.length === 0 ? [] : args[0];
      if (!Array.isArray(items)) fail(`${name} needs a list`);
      return new Set(items as PickleValue[]);
    }
    case 'builtins.bytes':
    case 'builtins.bytearray':
      if (args.length === 0) return new Uint8Array(0);
      if (typeof args[0] === 'string' && (args[1] === 'latin-1' || args[1] === 'latin1')) return latin1(args[0]);
      return new Uint8Array(bytesArg(args[0]));
    case '_codecs.encode':
      if (typeof args[0] !== 'string' || (args[1] !== 'latin1' && args[1] !== 'latin-1')) fail('_codecs.encode is read only for latin1 text');
      return latin1(args[0] as string);
    default:
      return fail(`the global ${name} cannot be called`);
  }
}

function latin1(textValue: string): Uint8Array {
  return Uint8Array.from(textValue, (character) => character.charCodeAt(0) & 0xff);
}

function asDtype(item: PickleValue | undefined, fail: (what: string) => never): MutableDtype {
  if (typeof item !== 'object' || item === null || (item as { kind?: unknown }).kind !== 'dtype') fail('a numpy dtype was expected');
  return item as MutableDtype;
}

/** BUILD: sets a dtype's byte order or fills an array from (version, shape, dtype, is_fortran, raw bytes). */
function build(target: PickleValue, state: PickleValue, fail: (what: string) => never): void {
  const kind = typeof target === 'object' && target !== null ? (target as { kind?: unknown }).kind : undefined;
  if (kind === 'dtype' && Array.isArray(state)) {
    const [, order, subarray, names] = state as PickleValue[];
    if (subarray !== null || names !== null) fail('a structured or sub-array numpy dtype; llmap reads plain numeric arrays');
    if (order !== '<' && order !== '>' && order !== '|' && order !== '=') fail(`numpy byte order ${JSON.stringify(order)}`);
    (target as MutableDtype).byteOrder = order === '=' ? '<' : (order as '<' | '>' | '|');
    return;
  }
  if (kind === 'ndarray' && Array.isArray(state)) {
    const fields = state.length === 5 ? state.slice(1) : state;
    const [shape, dtype, isFortran, raw] = fields as PickleValue[];
    const rawBytes = typeof raw === 'string' ? latin1(raw) : raw instanceof Uint8Array ? raw : fail('a numpy array of Python objects; llmap reads numeric arrays');
    fillArray(target as MutableArray, rawBytes, asDtype(dtype, fail), shape as PickleValue, isFortran === true, fail);
    return;
  }
  if (target instanceof Map && state === null) return;
  fail(`BUILD of ${kind ?? typeof target} with this state is not something llmap rebuilds`);
}

function fillArray(array: MutableArray, raw: Uint8Array, dtype: MutableDtype, shapeValue: PickleValue, isFortran: boolean, fail: (what: string) => never): void {
  if (!Array.isArray(shapeValue) || !shapeValue.every((d) => Number.isSafeInteger(d) && (d as number) >= 0)) fail('a numpy shape is not a tuple of sizes');
  const shape = shapeValue as number[];
  const count = shape.reduce((product, d) => product * d, 1);
  const fortran = decodeElements(raw, dtype, count, fail);
  array.dtype = `${dtype.byteOrder}${dtype.name}`;
  array.shape = [...shape];
  array.values = isFortran && shape.length > 1 ? fortranToC(fortran, shape) : fortran;
}

function decodeElements(raw: Uint8Array, dtype: MutableDtype, count: number, fail: (what: string) => never): Float64Array {
  const match = /^([fiub])(\d)$/.exec(dtype.name);
  const size = match ? Number(match[2]) : 0;
  const kind = match?.[1];
  const known = (kind === 'f' && [2, 4, 8].includes(size)) || ((kind === 'i' || kind === 'u') && [1, 2, 4, 8].includes(size)) || (kind === 'b' && size === 1);
  if (!known) fail(`numpy dtype '${dtype.name}'; llmap reads float16/32/64, int8–64, uint8–64 and bool`);
  if (raw.length !== count * size) fail(`a numpy array of ${count} × ${size}-byte elements holds ${raw.length} bytes`);
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const little = dtype.byteOrder !== '>';
  const out = new Float64Array(count);
  for (let k = 0; k < count; k++) {
    const at = k * size;
    if (kind === 'f') out[k] = size === 8 ? view.getFloat64(at, little) : size === 4 ? view.getFloat32(at, little) : float16(view.getUint16(at, little));
    else if (size === 1) out[k] = kind === 'i' ? view.getInt8(at) : view.getUint8(at);
    else if (size === 2) out[k] = kind === 'i' ? view.getInt16(at, little) : view.getUint16(at, little);
    else if (size === 4) out[k] = kind === 'i' ? view.getInt32(at, little) : view.getUint32(at, little);
    else out[k] = Number(kind === 'i' ? view.getBigInt64(at, little) : view.getBigUint64(at, little));
  }
  return out;
}

function float16(half: number): number {
  const sign = half & 0x8000 ? -1 : 1;
  const exponent = (half >> 10) & 0x1f;
  const fraction = half & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 0x1f) return fraction ? NaN : sign * Infinity;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

/** Reorders column-major (Fortran) elements into row-major (C) order. */
function fortranToC(fortran: Float64Array, shape: readonly number[]): Float64Array {
  const rank = shape.length;
  const stride = new Array<number>(rank);
  for (let d = 0, s = 1; d < rank; d++) {
    stride[d] = s;
    s *= shape[d];
  }
  const index = new Array<number>(rank).fill(0);
  const out = new Float64Array(fortran.length);
  let offset = 0;
  for (let n = 0; n < out.length; n++) {
    out[n] = fortran[offset];
    for (let d = rank - 1; d >= 0; d--) {
      index[d]++;
      offset += stride[d];
      if (index[d] < shape[d]) break;
      offset -= stride[d] * shape[d];
      index[d] = 0;
    }
  }
  return out;
}
