import { fieldText, forEachField, ProtobufError, type ProtobufField } from './protobuf.ts';

/**
 * An ONNX model's interface, read straight from its protobuf bytes without decoding the weights: the default-domain
 * opset, graph inputs and outputs with element types and shapes, and the external-data files its initializers name.
 */
export interface OnnxValueInfo {
  readonly name: string;
  /** ONNX TensorProto.DataType code (1 float, 7 int64, 9 bool, 10 float16, …); 0 when not a tensor. */
  readonly elementType: number;
  /** Each dimension's fixed size, its symbolic name, or null when unknown. */
  readonly dims: ReadonlyArray<number | string | null>;
}

export interface OnnxModelSummary {
  readonly irVersion: number;
  /** Opset of the default ('' or 'ai.onnx') domain. */
  readonly opsetVersion: number;
  readonly inputs: readonly OnnxValueInfo[];
  readonly outputs: readonly OnnxValueInfo[];
  /** Distinct `location`s of initializers stored as external data. */
  readonly externalDataLocations: readonly string[];
  readonly nodeCount: number;
}

export const ONNX_FLOAT = 1;
export const ONNX_INT64 = 7;
export const ONNX_FLOAT16 = 10;

/** Throws ProtobufError when the bytes are not a well-formed ONNX ModelProto with a graph. */
export function inspectOnnxModel(bytes: Uint8Array): OnnxModelSummary {
  let irVersion = 0;
  let opsetVersion = 0;
  const inputs: OnnxValueInfo[] = [];
  const outputs: OnnxValueInfo[] = [];
  const initializerNames = new Set<string>();
  const locations = new Set<string>();
  let nodeCount = 0;
  let graphCount = 0;
  forEachField(bytes, 0, bytes.length, (field) => {
    if (field.fieldNumber === 1 && field.wireType === 0) irVersion = field.varint;
    if (field.fieldNumber === 8 && field.wireType === 2) {
      let domain = '';
      let version = 0;
      forEachField(bytes, field.start, field.end, (f) => {
        if (f.fieldNumber === 1 && f.wireType === 2) domain = fieldText(bytes, f);
        if (f.fieldNumber === 2 && f.wireType === 0) version = f.varint;
      });
      if (domain === '' || domain === 'ai.onnx') opsetVersion = Math.max(opsetVersion, version);
    }
    if (field.fieldNumber === 7 && field.wireType === 2) {
      graphCount++;
      forEachField(bytes, field.start, field.end, (g) => {
        if (g.wireType !== 2) return;
        if (g.fieldNumber === 1) nodeCount++;
        if (g.fieldNumber === 11) inputs.push(readValueInfo(bytes, g));
        if (g.fieldNumber === 12) outputs.push(readValueInfo(bytes, g));
        if (g.fieldNumber === 5) {
          const { name, location } = readInitializer(bytes, g);
          initializerNames.add(name);
          if (location !== null) locations.add(location);
        }
      });
    }
  });
  if (graphCount === 0) throw new ProtobufError('no graph in the model');
  if (irVersion === 0) throw new ProtobufError('no IR version in the model');
  return {
    irVersion,
    opsetVersion,
    // Initializers listed as graph inputs (IR < 4 style) are weights, not inputs to feed.
    inputs: inputs.filter((input) => !initializerNames.has(input.name)),
    outputs,
    externalDataLocations: [...locations],
    nodeCount,
  };
}

function readValueInfo(bytes: Uint8Array, field: ProtobufField): OnnxValueInfo {
  let name = '';
  let elementType = 0;
  const dims: Array<number | string | null> = [];
  forEachField(bytes, field.start, field.end, (f) => {
    if (f.fieldNumber === 1 && f.wireType === 2) name = fieldText(bytes, f);
    if (f.fieldNumber !== 2 || f.wireType !== 2) return;
    forEachField(bytes, f.start, f.end, (type) => {
      if (type.fieldNumber !== 1 || type.wireType !== 2) return; // tensor_type
      forEachField(bytes, type.start, type.end, (tensor) => {
        if (tensor.fieldNumber === 1 && tensor.wireType === 0) elementType = tensor.varint;
        if (tensor.fieldNumber !== 2 || tensor.wireType !== 2) return; // shape
        forEachField(bytes, tensor.start, tensor.end, (dim) => {
          if (dim.fieldNumber !== 1 || dim.wireType !== 2) return;
          let value: number | string | null = null;
          forEachField(bytes, dim.start, dim.end, (d) => {
            if (d.fieldNumber === 1 && d.wireType === 0) value = d.varint;
            if (d.fieldNumber === 2 && d.wireType === 2) value = fieldText(bytes, d);
          });
          dims.push(value);
        });
      });
    });
  });
  return { name, elementType, dims };
}

function readInitializer(bytes: Uint8Array, field: ProtobufField): { name: string; location: string | null } {
  let name = '';
  let external = false;
  let location: string | null = null;
  forEachField(bytes, field.start, field.end, (f) => {
    if (f.fieldNumber === 8 && f.wireType === 2) name = fieldText(bytes, f);
    if (f.fieldNumber === 14 && f.wireType === 0) external = f.varint === 1;
    if (f.fieldNumber === 13 && f.wireType === 2) {
      let key = '';
      let value = '';
      forEachField(bytes, f.start, f.end, (entry) => {
        if (entry.fieldNumber === 1 && entry.wireType === 2) key = fieldText(bytes, entry);
        if (entry.fieldNumber === 2 && entry.wireType === 2) value = fieldText(bytes, entry);
      });
      if (key === 'location') location = value;
    }
  });
  return { name, location: external ? location : null };
}
