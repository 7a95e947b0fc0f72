import onnxProto from 'onnx-proto';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { GraphBuilder, causalMaskBias, floatTensor, int64Tensor } from '../../src/onnx/index.ts';
import { expectClose } from '../asserts.ts';

const { onnx } = onnxProto;

describe('GraphBuilder', () => {
  it('toModelBytes writes IR 8, opset 17, symbolic dims and little-endian initializers', () => {
    const g = new GraphBuilder('probe');
    const x = g.input('x', 'float32', ['batch_size', 3]);
    const sum = g.op('Add', [x, g.weight('w', Float32Array.of(1, 2, 3), [3])]);
    g.output(sum, 'y', 'float32', ['batch_size', 3]);
    const model = onnx.ModelProto.decode(g.toModelBytes());
    expect(Number(model.irVersion)).toBe(8);
    expect(model.opsetImport.map((opset) => [opset.domain, Number(opset.version)])).toEqual([['', 17]]);
    const dims = model.graph?.input?.[0].type?.tensorType?.shape?.dim;
    expect(dims?.map((dim) => dim.dimParam || Number(dim.dimValue))).toEqual(['batch_size', 3]);
    const raw = model.graph?.initializer?.[0].rawData as Uint8Array;
    expect(Array.from(new Float32Array(new Uint8Array(raw).buffer))).toEqual([1, 2, 3]);
    expect(model.graph?.node?.map((node) => node.opType)).toEqual(['Add', 'Identity']);
  });

  it('GraphBuilder refuses a value name defined twice', () => {
    const g = new GraphBuilder();
    g.input('x', 'float32', [1]);
    expect(() => g.weight('x', Float32Array.of(0), [1])).toThrow(/'x' is defined twice/);
  });

  it('GraphBuilder refuses a tensor whose shape does not hold its values', () => {
    const g = new GraphBuilder();
    expect(() => g.constant(floatTensor([1, 2, 3], [2, 2]))).toThrow(/shape \[2, 2\] holds 4 values, but 3 were given/);
  });
});

describe('causalMaskBias', () => {
  it('causalMaskBias with 2 cached positions hides later keys and padding, as Trilu(k = S − T) does', async () => {
    const g = new GraphBuilder();
    const mask = g.input('attention_mask', 'int64', ['batch_size', 'total']);
    const ids = g.input('input_ids', 'int64', ['batch_size', 'new']);
    g.output(causalMaskBias(g, mask, ids), 'bias', 'float32', ['batch_size', 1, 'new', 'total']);
    const session = await ort.InferenceSession.create(g.toModelBytes());
    const maskValues = int64Tensor([1, 1, 1, 1, 1, 0, 1, 1]); // row 1 has padding at key 1
    const out = await session.run({
      attention_mask: new ort.Tensor('int64', maskValues.data as BigInt64Array, [2, 4]),
      input_ids: new ort.Tensor('int64', new BigInt64Array(4), [2, 2]),
    });
    const hidden = -1e9;
    // Query 0 sits at key position 2, query 1 at key position 3.
    const expected = [0, 0, 0, hidden, 0, 0, 0, 0, 0, hidden, 0, hidden, 0, hidden, 0, 0];
    expect(out.bias.dims).toEqual([2, 1, 2, 4]);
    expectClose(out.bias.data as Float32Array, expected, { absolute: 0, relative: 0 });
    await session.release();
  });
});
