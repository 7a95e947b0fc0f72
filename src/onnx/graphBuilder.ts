import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;

/** The element types our graphs use; names follow onnxruntime's tensor type strings. */
export type ElementType = 'float32' | 'int64' | 'bool';

/** A tensor dimension: a fixed size, or a symbolic name such as `batch_size` (ONNX `dim_param`). */
export type Dimension = number | string;

/** A constant tensor: row-major values and their shape (`dims: []` is a scalar). */
export type TensorValue =
  | { type: 'float32'; data: Float32Array; dims: readonly number[] }
  | { type: 'int64'; data: BigInt64Array; dims: readonly number[] };

/** One node attribute, tagged by its ONNX kind. */
export type AttributeValue =
  | { int: number }
  | { float: number }
  | { ints: readonly number[] }
  | { floats: readonly number[] }
  | { string: string }
  | { tensor: TensorValue };

export type Attributes = Readonly<Record<string, AttributeValue>>;

/** The ONNX IR version and default-domain opset every graph is written with (onnx-proto 8 carries onnx 1.10's schema). */
export const IR_VERSION = 8;
export const OPSET_VERSION = 17;

const elementTypeCode: Record<ElementType, number> = {
  float32: onnx.TensorProto.DataType.FLOAT,
  int64: onnx.TensorProto.DataType.INT64,
  bool: onnx.TensorProto.DataType.BOOL,
};

function checkShape(dims: readonly number[], length: number, what: string): void {
  const size = dims.reduce((product, dim) => product * dim, 1);
  if (dims.some((dim) => !Number.isInteger(dim) || dim < 0) || size !== length) {
    throw new Error(`${what}: shape [${dims.join(', ')}] holds ${size} values, but ${length} were given`);
  }
}

/** Little-endian bytes of a typed array (a copy, so later edits of the caller's array do not leak in). */
function littleEndianBytes(data: Float32Array | BigInt64Array): Uint8Array {
  const bytes = new Uint8Array(data.byteLength);
  const view = new DataView(bytes.buffer);
  if (data instanceof Float32Array) data.forEach((value, k) => view.setFloat32(4 * k, value, true));
  else data.forEach((value, k) => view.setBigInt64(8 * k, value, true));
  return bytes;
}

function tensorProto(name: string, tensor: TensorValue): InstanceType<typeof onnx.TensorProto> {
  checkShape(tensor.dims, tensor.data.length, `tensor '${name}'`);
  return onnx.TensorProto.create({
    name,
    dims: [...tensor.dims],
    dataType: elementTypeCode[tensor.type],
    rawData: littleEndianBytes(tensor.data),
  });
}

function attributeProto(name: string, value: AttributeValue): InstanceType<typeof onnx.AttributeProto> {
  const kind = onnx.AttributeProto.AttributeType;
  if ('int' in value) return onnx.AttributeProto.create({ name, type: kind.INT, i: value.int });
  if ('float' in value) return onnx.AttributeProto.create({ name, type: kind.FLOAT, f: value.float });
  if ('ints' in value) return onnx.AttributeProto.create({ name, type: kind.INTS, ints: [...value.ints] });
  if ('floats' in value) return onnx.AttributeProto.create({ name, type: kind.FLOATS, floats: [...value.floats] });
  if ('string' in value) {
    return onnx.AttributeProto.create({ name, type: kind.STRING, s: new TextEncoder().encode(value.string) });
  }
  return onnx.AttributeProto.create({ name, type: kind.TENSOR, t: tensorProto('', value.tensor) });
}

function valueInfo(
  name: string,
  type: ElementType,
  dims: readonly Dimension[],
): InstanceType<typeof onnx.ValueInfoProto> {
  return onnx.ValueInfoProto.create({
    name,
    type: {
      tensorType: {
        elemType: elementTypeCode[type],
        shape: { dim: dims.map((dim) => (typeof dim === 'number' ? { dimValue: dim } : { dimParam: dim })) },
      },
    },
  });
}

/** A float32 constant from plain numbers; `dims` defaults to a vector. */
export function floatTensor(values: ArrayLike<number>, dims: readonly number[] = [values.length]): TensorValue {
  return { type: 'float32', data: Float32Array.from(values), dims };
}

/** An int64 constant from plain (integer) numbers; `dims` defaults to a vector, `[]` makes a scalar. */
export function int64Tensor(values: ArrayLike<number>, dims: readonly number[] = [values.length]): TensorValue {
  return { type: 'int64', data: BigInt64Array.from(Array.from(values, (value) => BigInt(value))), dims };
}

/**
 * Collects the inputs, outputs, initializers and nodes of one ONNX graph (default domain, opset 17) and writes it
 * as model bytes. Names are the graph's value names; `fresh` hands out unused ones for intermediate values.
 */
export class GraphBuilder {
  private readonly inputs: InstanceType<typeof onnx.ValueInfoProto>[] = [];
  private readonly outputs: InstanceType<typeof onnx.ValueInfoProto>[] = [];
  private readonly initializers: InstanceType<typeof onnx.TensorProto>[] = [];
  private readonly nodes: InstanceType<typeof onnx.NodeProto>[] = [];
  private readonly usedNames = new Set<string>();
  private nextId = 0;

  constructor(readonly graphName = 'graph') {}

  /** An unused value name starting with `prefix`. */
  fresh(prefix: string): string {
    let name = `${prefix}_${this.nextId++}`;
    while (this.usedNames.has(name)) name = `${prefix}_${this.nextId++}`;
    this.usedNames.add(name);
    return name;
  }

  private claim(name: string): string {
    if (this.usedNames.has(name)) throw new Error(`graph value '${name}' is defined twice`);
    this.usedNames.add(name);
    return name;
  }

  /** Declares a graph input and returns its name. */
  input(name: string, type: ElementType, dims: readonly Dimension[]): string {
    this.inputs.push(valueInfo(this.claim(name), type, dims));
    return name;
  }

  /** Declares an already computed value (or renames it through Identity if `name` differs) as a graph output. */
  output(value: string, name: string, type: ElementType, dims: readonly Dimension[]): string {
    if (value !== name) this.node('Identity', [value], [name]);
    this.outputs.push(valueInfo(name, type, dims));
    return name;
  }

  /** Adds a named initializer (a weight) and returns its name. */
  initializer(name: string, tensor: TensorValue): string {
    this.initializers.push(tensorProto(this.claim(name), tensor));
    return name;
  }

  /** Adds an unnamed constant as an initializer and returns its generated name. */
  constant(tensor: TensorValue, prefix = 'const'): string {
    const name = this.fresh(prefix);
    this.initializers.push(tensorProto(name, tensor));
    return name;
  }

  /** A float32 weight from a typed array (copied now, so later edits of `data` do not change the graph). */
  weight(name: string, data: Float32Array, dims: readonly number[]): string {
    return this.initializer(name, { type: 'float32', data, dims });
  }

  /**
   * Adds a node. `outputs` is either the output names or how many fresh ones to make; the names are returned.
   * An empty string in `inputs` skips an optional input.
   */
  node(
    opType: string,
    inputs: readonly string[],
    outputs: readonly string[] | number = 1,
    attributes: Attributes = {},
  ): string[] {
    const outputNames =
      typeof outputs === 'number'
        ? Array.from({ length: outputs }, () => this.fresh(opType.toLowerCase()))
        : outputs.map((name) => this.claim(name));
    this.nodes.push(
      onnx.NodeProto.create({
        opType,
        name: this.fresh(`${opType}_node`),
        input: [...inputs],
        output: outputNames,
        attribute: Object.entries(attributes).map(([key, value]) => attributeProto(key, value)),
      }),
    );
    return outputNames;
  }

  /** A node with one fresh output, returned. */
  op(opType: string, inputs: readonly string[], attributes: Attributes = {}): string {
    return this.node(opType, inputs, 1, attributes)[0];
  }

  /** The model as ONNX protobuf bytes (IR 8, opset 17). */
  toModelBytes(producerName = 'llmap'): Uint8Array {
    const model = onnx.ModelProto.create({
      irVersion: IR_VERSION,
      opsetImport: [{ domain: '', version: OPSET_VERSION }],
      producerName,
      graph: {
        name: this.graphName,
        node: this.nodes,
        input: this.inputs,
        output: this.outputs,
        initializer: this.initializers,
      },
    });
    return onnx.ModelProto.encode(model).finish();
  }
}
