/**
 * The few protobuf wire-format operations llmap needs to read an ONNX model's interface and append nodes to it,
 * without decoding (or copying) its weights. Wire types: 0 varint, 1 fixed64, 2 length-delimited, 5 fixed32.
 */

export class ProtobufError extends Error {
  override readonly name = 'ProtobufError';
}

export interface ProtobufField {
  readonly fieldNumber: number;
  readonly wireType: number;
  /** The varint value (wire type 0), as a number; exact up to 2^53. */
  readonly varint: number;
  /** For wire type 2: where the payload lies in the buffer. */
  readonly start: number;
  readonly end: number;
}

/** Calls `visit` for each field of the message in bytes[start, end). Throws ProtobufError on malformed input. */
export function forEachField(bytes: Uint8Array, start: number, end: number, visit: (field: ProtobufField) => void): void {
  let at = start;
  const readVarint = (): number => {
    let value = 0;
    let scale = 1;
    for (let k = 0; k < 10; k++) {
      if (at >= end) throw new ProtobufError(`truncated varint at byte ${at}`);
      const byte = bytes[at++];
      value += (byte & 0x7f) * scale;
      if ((byte & 0x80) === 0) return value;
      scale *= 128;
    }
    throw new ProtobufError(`varint longer than 10 bytes at byte ${at}`);
  };
  while (at < end) {
    const key = readVarint();
    const fieldNumber = Math.floor(key / 8);
    const wireType = key % 8;
    if (fieldNumber === 0) throw new ProtobufError(`field number 0 at byte ${at}`);
    if (wireType === 0) {
      visit({ fieldNumber, wireType, varint: readVarint(), start: at, end: at });
    } else if (wireType === 2) {
      const length = readVarint();
      if (at + length > end) throw new ProtobufError(`field ${fieldNumber} claims ${length} bytes but only ${end - at} remain`);
      visit({ fieldNumber, wireType, varint: 0, start: at, end: at + length });
      at += length;
    } else if (wireType === 1 || wireType === 5) {
      const size = wireType === 1 ? 8 : 4;
      if (at + size > end) throw new ProtobufError(`truncated fixed-width field ${fieldNumber}`);
      visit({ fieldNumber, wireType, varint: 0, start: at, end: at + size });
      at += size;
    } else {
      throw new ProtobufError(`unsupported wire type ${wireType} for field ${fieldNumber}`);
    }
  }
}

/** UTF-8 text of a length-delimited field. */
export function fieldText(bytes: Uint8Array, field: ProtobufField): string {
  return new TextDecoder().decode(bytes.subarray(field.start, field.end));
}

/** Builds one protobuf message; nested messages are written by a nested writer. */
export class ProtobufWriter {
  private readonly chunks: number[] = [];

  varintField(fieldNumber: number, value: number): this {
    this.varint(fieldNumber * 8);
    this.varint(value);
    return this;
  }

  /** A signed int64 (two's complement, 10-byte varint for negatives), as protobuf encodes int64. */
  int64Field(fieldNumber: number, value: number): this {
    this.varint(fieldNumber * 8);
    let remaining = BigInt.asUintN(64, BigInt(value));
    do {
      const byte = Number(remaining & 0x7fn);
      remaining >>= 7n;
      this.chunks.push(remaining > 0n ? byte | 0x80 : byte);
    } while (remaining > 0n);
    return this;
  }

  bytesField(fieldNumber: number, payload: Uint8Array): this {
    this.varint(fieldNumber * 8 + 2);
    this.varint(payload.length);
    for (const byte of payload) this.chunks.push(byte);
    return this;
  }

  stringField(fieldNumber: number, text: string): this {
    return this.bytesField(fieldNumber, new TextEncoder().encode(text));
  }

  messageField(fieldNumber: number, message: ProtobufWriter): this {
    return this.bytesField(fieldNumber, message.finish());
  }

  finish(): Uint8Array {
    return Uint8Array.from(this.chunks);
  }

  private varint(value: number): void {
    let remaining = value;
    while (remaining >= 0x80) {
      this.chunks.push((remaining % 128) | 0x80);
      remaining = Math.floor(remaining / 128);
    }
    this.chunks.push(remaining);
  }
}
