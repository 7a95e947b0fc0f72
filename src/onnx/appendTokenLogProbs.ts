import { ONNX_FLOAT, ONNX_INT64, type OnnxModelSummary } from './inspectModel.ts';
import { ProtobufWriter } from './protobuf.ts';

/** Names of what the appended nodes add to a model. */
export const TARGET_IDS_INPUT = 'llmap_target_ids';
export const TOKEN_LOG_PROBS_OUTPUT = 'llmap_token_log_probs';

/**
 * Fuses log-softmax and the gather of the realised next tokens into a causal LM graph, so the runtime returns
 * log p(target | prefix) per position ([batch, sequence], float32) and the T×V logits never reach JavaScript.
 *
 * Adds input `llmap_target_ids` (int64 [batch, sequence]) and output `llmap_token_log_probs`:
 *   Cast(logits → float32, when they are not) → LogSoftmax(axis −1) → GatherElements(targets[..., None], axis −1) → Squeeze.
 * LogSoftmax rather than logit − ReduceLogSumExp (which skips the [B, T, V] output and is ~25% cheaper on WASM):
 * onnxruntime's WebGPU ReduceLogSumExp computes log(Σ exp(x)) without subtracting the maximum, so GPT-2's logits
 * (around −100) would underflow to log(0).
 * The nodes are appended as a second serialised `graph` field: protobuf parsers merge repeated embedded messages, so
 * the original bytes (weights included) are kept as they are and only a few hundred bytes are added.
 */
export function appendTokenLogProbs(modelBytes: Uint8Array, summary: OnnxModelSummary, logitsName = 'logits'): Uint8Array {
  const logits = summary.outputs.find((output) => output.name === logitsName);
  if (!logits) throw new Error(`the graph has no output named '${logitsName}'`);
  const batch = logits.dims[0] ?? 'batch_size';
  const sequence = logits.dims[1] ?? 'sequence_length';
  const axesAsInput = summary.opsetVersion >= 13;
  const graph = new ProtobufWriter();

  let floatLogits = logitsName;
  if (logits.elementType !== ONNX_FLOAT) {
    floatLogits = 'llmap_logits_float32';
    graph.messageField(1, node('Cast', [logitsName], [floatLogits], [intAttribute('to', ONNX_FLOAT)]));
  }
  if (axesAsInput) {
    graph.messageField(5, int64Initializer('llmap_last_axis', [-1]));
  }
  const axes = (inputs: string[]) => (axesAsInput ? [...inputs, 'llmap_last_axis'] : inputs);
  const axesAttribute = axesAsInput ? [] : [intsAttribute('axes', [-1])];
  graph
    .messageField(1, node('LogSoftmax', [floatLogits], ['llmap_log_probs'], [intAttribute('axis', -1)]))
    .messageField(1, node('Unsqueeze', axes([TARGET_IDS_INPUT]), ['llmap_targets_3d'], axesAttribute))
    .messageField(1, node('GatherElements', ['llmap_log_probs', 'llmap_targets_3d'], ['llmap_gathered'], [intAttribute('axis', -1)]))
    .messageField(1, node('Squeeze', axes(['llmap_gathered']), [TOKEN_LOG_PROBS_OUTPUT], axesAttribute))
    .messageField(11, valueInfo(TARGET_IDS_INPUT, ONNX_INT64, [batch, sequence]))
    .messageField(12, valueInfo(TOKEN_LOG_PROBS_OUTPUT, ONNX_FLOAT, [batch, sequence]));

  const appended = new ProtobufWriter().messageField(7, graph).finish();
  const fused = new Uint8Array(modelBytes.length + appended.length);
  fused.set(modelBytes, 0);
  fused.set(appended, modelBytes.length);
  return fused;
}

function node(opType: string, inputs: string[], outputs: string[], attributes: ProtobufWriter[]): ProtobufWriter {
  const writer = new ProtobufWriter();
  for (const input of inputs) writer.stringField(1, input);
  for (const output of outputs) writer.stringField(2, output);
  writer.stringField(3, `llmap_${opType}_${outputs[0]}`).stringField(4, opType);
  for (const attribute of attributes) writer.messageField(5, attribute);
  return writer;
}

function intAttribute(name: string, value: number): ProtobufWriter {
  return new ProtobufWriter().stringField(1, name).int64Field(3, value).varintField(20, 2); // AttributeType.INT
}

function intsAttribute(name: string, values: number[]): ProtobufWriter {
  const writer = new ProtobufWriter().stringField(1, name);
  for (const value of values) writer.int64Field(8, value);
  return writer.varintField(20, 7); // AttributeType.INTS
}

function int64Initializer(name: string, values: number[]): ProtobufWriter {
  const raw = new Uint8Array(8 * values.length);
  const view = new DataView(raw.buffer);
  values.forEach((value, k) => view.setBigInt64(8 * k, BigInt(value), true));
  return new ProtobufWriter().int64Field(1, values.length).varintField(2, ONNX_INT64).stringField(8, name).bytesField(9, raw);
}

function valueInfo(name: string, elementType: number, dims: Array<number | string>): ProtobufWriter {
  const shape = new ProtobufWriter();
  for (const dim of dims) {
    shape.messageField(1, typeof dim === 'number' ? new ProtobufWriter().varintField(1, dim) : new ProtobufWriter().stringField(2, dim));
  }
  const tensorType = new ProtobufWriter().varintField(1, elementType).messageField(2, shape);
  return new ProtobufWriter().stringField(1, name).messageField(2, new ProtobufWriter().messageField(1, tensorType));
}
