// A tfjs graph model (model.json + weights) as an ONNX model (opset 13), for onnxruntime-node: the
// native runtime runs these graphs about 4x faster than tfjs-wasm (engine-notes). One function per
// TensorFlow op; an op without one stops the conversion with its name.
//
// The layout stays TF's NHWC: each Conv and MaxPool is wrapped in NHWC<->NCHW transposes, which
// onnxruntime's optimiser then removes almost everywhere.
import { onnx } from 'onnx-proto';

/** The parts of a tfjs model.json the converter reads. */
export interface TfjsGraphJson {
  modelTopology: { node: TfNode[] };
  weightsManifest: Array<{ paths: string[]; weights: TfWeightSpec[] }>;
  signature?: { inputs?: Record<string, { name: string }>; outputs?: Record<string, { name: string }> };
}

export interface TfNode {
  name: string;
  op: string;
  input?: string[];
  attr?: Record<string, TfAttr>;
}

interface TfAttr {
  i?: string | number;
  f?: number;
  b?: boolean;
  s?: string;
  type?: string;
  list?: { i?: Array<string | number>; s?: string[] };
  shape?: { dim?: Array<{ size: string | number }> };
}

export interface TfWeightSpec {
  name: string;
  shape: number[];
  dtype: 'float32' | 'int32' | string;
  quantization?: { dtype: string };
}

/** A constant the converter knows the values of (weights, and tensors it makes). */
interface Constant {
  dtype: 'float32' | 'int32';
  shape: number[];
  values: Float32Array | Int32Array;
}

const { DataType } = onnx.TensorProto;
const { AttributeType } = onnx.AttributeProto;
const INT64_MAX = Number.MAX_SAFE_INTEGER;
const TO_NCHW = [0, 3, 1, 2];
const TO_NHWC = [0, 2, 3, 1];

/** Reads float32 weights, expanding float16-quantised ones, and int32 weights, in manifest order. */
export function readWeights(specs: readonly TfWeightSpec[], data: Uint8Array): Map<string, Constant> {
  const constants = new Map<string, Constant>();
  let offset = 0;
  for (const spec of specs) {
    const count = spec.shape.reduce((a, b) => a * b, 1);
    const stored = spec.quantization?.dtype ?? spec.dtype;
    const bytes = count * (stored === 'float16' ? 2 : 4);
    const view = new DataView(data.buffer, data.byteOffset + offset, bytes);
    offset += bytes;
    if (spec.dtype === 'float32' && stored === 'float16') {
      constants.set(spec.name, {
        dtype: 'float32',
        shape: spec.shape,
        values: Float32Array.from({ length: count }, (_, k) => float16(view.getUint16(2 * k, true))),
      });
    } else if (spec.dtype === 'float32' && stored === 'float32') {
      constants.set(spec.name, { dtype: 'float32', shape: spec.shape, values: Float32Array.from({ length: count }, (_, k) => view.getFloat32(4 * k, true)) });
    } else if (spec.dtype === 'int32' && stored === 'int32') {
      constants.set(spec.name, { dtype: 'int32', shape: spec.shape, values: Int32Array.from({ length: count }, (_, k) => view.getInt32(4 * k, true)) });
    } else {
      throw new Error(`weight ${spec.name}: ${spec.dtype} stored as ${stored} is not supported`);
    }
  }
  if (offset !== data.byteLength) throw new Error(`the weights hold ${data.byteLength} bytes; the manifest describes ${offset}`);
  return constants;
}

/** IEEE 754 half precision -> number. */
export function float16(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 0x1f) return fraction ? NaN : sign * Infinity;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}

/** Builds the ONNX graph node by node. */
class GraphBuilder {
  readonly nodes: onnx.INodeProto[] = [];
  readonly initializers: onnx.ITensorProto[] = [];
  private readonly made = new Set<string>();
  private counter = 0;

  constructor(readonly constants: Map<string, Constant>) {}

  /** A fresh value name derived from a node's. */
  fresh(base: string): string {
    return `${base}__${this.counter++}`;
  }

  add(opType: string, inputs: string[], outputs: string[], attributes: onnx.IAttributeProto[] = []): void {
    this.nodes.push({ opType, input: inputs, output: outputs, name: outputs[0], attribute: attributes });
  }

  /** One output; returns its name. */
  op(opType: string, inputs: string[], base: string, attributes: onnx.IAttributeProto[] = []): string {
    const output = this.fresh(base);
    this.add(opType, inputs, [output], attributes);
    return output;
  }

  initializer(name: string, tensor: { dtype: 'float32' | 'int32' | 'int64'; shape: number[]; values: ArrayLike<number> }): string {
    if (this.made.has(name)) return name;
    this.made.add(name);
    const values = Array.from(tensor.values);
    this.initializers.push({
      name,
      dims: tensor.shape,
      dataType: tensor.dtype === 'float32' ? DataType.FLOAT : tensor.dtype === 'int32' ? DataType.INT32 : DataType.INT64,
      ...(tensor.dtype === 'float32' ? { floatData: values } : tensor.dtype === 'int32' ? { int32Data: values } : { int64Data: values }),
    });
    return name;
  }

  /** An int64 constant (shapes, axes, pads, slice bounds). */
  int64(base: string, values: number[], shape: number[] = [values.length]): string {
    return this.initializer(this.fresh(base), { dtype: 'int64', shape, values });
  }

  float(base: string, value: number): string {
    return this.initializer(this.fresh(base), { dtype: 'float32', shape: [], values: [value] });
  }

  /** The known values of a TF input, or undefined when computed at run time. */
  constant(input: string): Constant | undefined {
    return this.constants.get(valueName(input));
  }

  requireConstant(input: string, node: TfNode): Constant {
    const c = this.constant(input);
    if (!c) throw new Error(`${node.op} ${node.name}: input ${input} must be a constant`);
    return c;
  }

  /** A TF int32 input as int64, folded when constant. */
  asInt64(input: string, base: string): string {
    const c = this.constant(input);
    return c ? this.int64(base, Array.from(c.values), c.shape) : this.op('Cast', [valueName(input)], base, [intAttr('to', DataType.INT64)]);
  }
}

/** TF "node:k" -> the ONNX value name ("node" for output 0). */
export function valueName(input: string): string {
  const [node, index] = input.split(':');
  return index === undefined || index === '0' ? (node ?? input) : `${node}:${index}`;
}

const intAttr = (name: string, i: number): onnx.IAttributeProto => ({ name, type: AttributeType.INT, i });
const intsAttr = (name: string, ints: number[]): onnx.IAttributeProto => ({ name, type: AttributeType.INTS, ints });
const stringAttr = (name: string, s: string): onnx.IAttributeProto => ({ name, type: AttributeType.STRING, s: Buffer.from(s) });

const attrInt = (node: TfNode, key: string, fallback = 0): number => Number(node.attr?.[key]?.i ?? fallback);
const attrBool = (node: TfNode, key: string): boolean => node.attr?.[key]?.b ?? false;
const attrString = (node: TfNode, key: string): string => Buffer.from(node.attr?.[key]?.s ?? '', 'base64').toString();
const attrInts = (node: TfNode, key: string): number[] => (node.attr?.[key]?.list?.i ?? []).map(Number);
const attrStrings = (node: TfNode, key: string): string[] => (node.attr?.[key]?.list?.s ?? []).map((s) => Buffer.from(s, 'base64').toString());
const inputsOf = (node: TfNode): string[] => (node.input ?? []).filter((i) => !i.startsWith('^'));

function checkNhwc(node: TfNode): void {
  const format = attrString(node, 'data_format');
  if (format && format !== 'NHWC') throw new Error(`${node.op} ${node.name}: data_format ${format} is not supported`);
}

function autoPad(node: TfNode): onnx.IAttributeProto {
  const padding = attrString(node, 'padding');
  if (padding === 'SAME') return stringAttr('auto_pad', 'SAME_UPPER');
  if (padding === 'VALID') return stringAttr('auto_pad', 'VALID');
  throw new Error(`${node.op} ${node.name}: padding ${padding} is not supported`);
}

/** Strides or dilations of an NHWC op as ONNX's [h, w]. */
const spatial = (node: TfNode, key: string): number[] => {
  const values = attrInts(node, key);
  return values.length === 4 ? [values[1]!, values[2]!] : [1, 1];
};

/** Runs `inner` on the NCHW form of an NHWC value and returns the NHWC result. */
function inNchw(g: GraphBuilder, x: string, node: TfNode, inner: (nchw: string) => string): string {
  const nchw = g.op('Transpose', [x], `${node.name}/nchw`, [intsAttr('perm', TO_NCHW)]);
  return g.op('Transpose', [inner(nchw)], `${node.name}/nhwc`, [intsAttr('perm', TO_NHWC)]);
}

/** A filter from TF's HWIO layout to ONNX's OIHW, or a depthwise HWCM one to (C*M)1HW. */
function convFilter(g: GraphBuilder, input: string, node: TfNode, depthwise: boolean): string {
  const filter = g.requireConstant(input, node);
  const [h, w, i, o] = filter.shape as [number, number, number, number];
  const out = new Float32Array(filter.values.length);
  // OIHW index of HWIO (y, x, c, m); depthwise: output channel c * M + m, one input channel.
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++)
      for (let c = 0; c < i; c++)
        for (let m = 0; m < o; m++) {
          const source = ((y * w + x) * i + c) * o + m;
          const target = depthwise ? ((c * o + m) * h + y) * w + x : ((m * i + c) * h + y) * w + x;
          out[target] = filter.values[source]!;
        }
  const shape = depthwise ? [i * o, 1, h, w] : [o, i, h, w];
  return g.initializer(`${valueName(input)}/onnx_filter`, { dtype: 'float32', shape, values: out });
}

/** The ONNX value of each TF output, in order (most ops have one). */
type Converter = (g: GraphBuilder, node: TfNode, inputs: string[]) => string | string[];

/** A TF op that is one ONNX op with the same inputs. */
const same =
  (opType: string): Converter =>
  (g, node, inputs) =>
    g.op(opType, inputs.map(valueName), node.name);

function conv(g: GraphBuilder, node: TfNode, inputs: string[], depthwise: boolean): string {
  checkNhwc(node);
  const [x, filter, bias, alpha] = inputs as [string, string, string?, string?];
  const fused = node.op === '_FusedConv2D' ? attrStrings(node, 'fused_ops') : [];
  if (fused.length > 0 && fused[0] !== 'BiasAdd') throw new Error(`${node.op} ${node.name}: fused ops ${fused.join(',')} are not supported`);
  const weights = convFilter(g, filter, node, depthwise);
  const channels = depthwise ? g.requireConstant(filter, node).shape[2]! : 1;
  let y = inNchw(g, valueName(x), node, (nchw) =>
    g.op('Conv', [nchw, weights, ...(fused.length > 0 && bias ? [valueName(bias)] : [])], node.name, [
      autoPad(node),
      intsAttr('strides', spatial(node, 'strides')),
      intsAttr('dilations', spatial(node, 'dilations')),
      intAttr('group', channels),
    ]),
  );
  for (const activation of fused.slice(1)) {
    if (activation === 'Relu') y = g.op('Relu', [y], node.name);
    else if (activation === 'Prelu' && alpha) y = prelu(g, node, [y, alpha]);
    else throw new Error(`${node.op} ${node.name}: fused activation ${activation} is not supported`);
  }
  return y;
}

/**
 * PRelu(x) as Relu(x) + Conv1x1(Relu(-x)) with the depthwise filter -slope: onnxruntime runs Conv and Relu
 * in its blocked NCHWc layout, but not PRelu, which it ran with a broadcast and a layout change on each
 * side (a third of the mesh's time). The mesh on one crop 10.0 -> 6.7-8.1 ms, on three 7.8 -> 5.1-5.9 ms a
 * crop (`BENCH_ONLY=graphs`); outputs within 7e-5 crop pixels.
 */
function prelu(g: GraphBuilder, node: TfNode, [x, alphaInput]: [string, string]): string {
  const alpha = g.requireConstant(alphaInput, node);
  const channels = alpha.values.length;
  const filter = (name: string, values: ArrayLike<number>) =>
    g.initializer(`${valueName(alphaInput)}/${name}`, { dtype: 'float32', shape: [channels, 1, 1, 1], values });
  const minusOne = filter('minus_one', new Float32Array(channels).fill(-1));
  const minusSlope = filter(
    'minus_slope',
    Float32Array.from(alpha.values, (v) => -v),
  );
  const depthwise = [intAttr('group', channels)];
  return inNchw(g, x, node, (nchw) => {
    const negativePart = g.op('Relu', [g.op('Conv', [nchw, minusOne], node.name, depthwise)], node.name);
    return g.op('Add', [g.op('Conv', [negativePart, minusSlope], node.name, depthwise), g.op('Relu', [nchw], node.name)], node.name);
  });
}

/** TF StridedSlice with constant begin/end/strides: Slice (negative axes after an ellipsis), then Squeeze. */
function stridedSlice(g: GraphBuilder, node: TfNode, inputs: string[]): string {
  const [x, beginInput, endInput, stridesInput] = inputs as [string, string, string, string];
  const begin = Array.from(g.requireConstant(beginInput, node).values);
  const end = Array.from(g.requireConstant(endInput, node).values);
  const strides = Array.from(g.requireConstant(stridesInput, node).values);
  const beginMask = attrInt(node, 'begin_mask');
  const endMask = attrInt(node, 'end_mask');
  const ellipsisMask = attrInt(node, 'ellipsis_mask');
  const shrinkMask = attrInt(node, 'shrink_axis_mask');
  if (attrInt(node, 'new_axis_mask') !== 0) throw new Error(`StridedSlice ${node.name}: new_axis_mask is not supported`);
  const ellipsisAt = begin.findIndex((_, k) => ellipsisMask & (1 << k));
  const starts: number[] = [];
  const ends: number[] = [];
  const axes: number[] = [];
  const steps: number[] = [];
  const squeeze: number[] = [];
  begin.forEach((_, k) => {
    if (k === ellipsisAt) return;
    // Entries after an ellipsis count from the last axis.
    const axis = ellipsisAt >= 0 && k > ellipsisAt ? k - begin.length : k;
    const bit = 1 << k;
    const step = strides[k]!;
    if (shrinkMask & bit) {
      const b = begin[k]!;
      starts.push(b);
      ends.push(b === -1 ? INT64_MAX : b + 1);
      steps.push(1);
      axes.push(axis);
      squeeze.push(axis);
      return;
    }
    const fromStart = beginMask & bit;
    const toEnd = endMask & bit;
    if (fromStart && toEnd && step === 1) return;
    starts.push(fromStart ? (step > 0 ? 0 : INT64_MAX) : begin[k]!);
    ends.push(toEnd ? (step > 0 ? INT64_MAX : -INT64_MAX) : end[k]!);
    steps.push(step);
    axes.push(axis);
  });
  let y = valueName(x);
  if (axes.length > 0)
    y = g.op(
      'Slice',
      [y, g.int64(`${node.name}/starts`, starts), g.int64(`${node.name}/ends`, ends), g.int64(`${node.name}/axes`, axes), g.int64(`${node.name}/steps`, steps)],
      node.name,
    );
  if (squeeze.length > 0) y = g.op('Squeeze', [y, g.int64(`${node.name}/squeeze`, squeeze)], node.name);
  return axes.length > 0 ? y : g.op('Identity', [y], node.name);
}

/** Atan2(y, x) from Atan(y / x), corrected by quadrant; x = 0 gives +-pi/2 by the sign of y (0 at the origin). */
function atan2(g: GraphBuilder, node: TfNode, inputs: string[]): string {
  const [y, x] = inputs.map(valueName) as [string, string];
  const zero = g.float(`${node.name}/zero`, 0);
  const xIsZero = g.op('Equal', [x, zero], node.name);
  const safeX = g.op('Where', [xIsZero, g.float(`${node.name}/one`, 1), x], node.name);
  const angle = g.op('Atan', [g.op('Div', [y, safeX], node.name)], node.name);
  const vertical = g.op('Mul', [g.op('Sign', [y], node.name), g.float(`${node.name}/half_pi`, Math.PI / 2)], node.name);
  const base = g.op('Where', [xIsZero, vertical, angle], node.name);
  const turn = g.op(
    'Where',
    [g.op('GreaterOrEqual', [y, zero], node.name), g.float(`${node.name}/pi`, Math.PI), g.float(`${node.name}/minus_pi`, -Math.PI)],
    node.name,
  );
  const correction = g.op('Where', [g.op('Less', [x, zero], node.name), turn, zero], node.name);
  return g.op('Add', [base, correction], node.name);
}

/** Pack: each input gains the axis, then they are concatenated along it. */
function pack(g: GraphBuilder, node: TfNode, inputs: string[]): string {
  const axis = attrInt(node, 'axis');
  const axes = g.int64(`${node.name}/axis`, [axis]);
  const parts = inputs.map((input) => g.op('Unsqueeze', [valueName(input), axes], node.name));
  return g.op('Concat', parts, node.name, [intAttr('axis', axis)]);
}

// Doubles become float32, as tfjs (which has no float64) runs them.
const CAST_TYPES: Record<string, number> = { DT_FLOAT: DataType.FLOAT, DT_DOUBLE: DataType.FLOAT, DT_INT32: DataType.INT32, DT_BOOL: DataType.BOOL };

const CONVERTERS: Record<string, Converter> = {
  Identity: same('Identity'),
  AddV2: same('Add'),
  Add: same('Add'),
  Sub: same('Sub'),
  Mul: same('Mul'),
  RealDiv: same('Div'),
  Minimum: same('Min'),
  Maximum: same('Max'),
  AddN: same('Sum'),
  Relu: same('Relu'),
  Prelu: (g, node, inputs) => prelu(g, node, [valueName(inputs[0]!), inputs[1]!]),
  Sigmoid: same('Sigmoid'),
  Cos: same('Cos'),
  Sin: same('Sin'),
  Neg: same('Neg'),
  Floor: same('Floor'),
  LessEqual: same('LessOrEqual'),
  GreaterEqual: same('GreaterOrEqual'),
  LogicalAnd: same('And'),
  MatMul: (g, node, inputs) => {
    if (attrBool(node, 'transpose_a') || attrBool(node, 'transpose_b')) throw new Error(`MatMul ${node.name}: transposed operands are not supported`);
    return g.op('MatMul', inputs.map(valueName), node.name);
  },
  BatchMatMulV2: (g, node, inputs) => {
    if (attrBool(node, 'adj_x')) throw new Error(`BatchMatMulV2 ${node.name}: adj_x is not supported`);
    const operands = inputs.map(valueName);
    return attrBool(node, 'adj_y') ? g.op('Einsum', operands, node.name, [stringAttr('equation', '...ij,...kj->...ik')]) : g.op('MatMul', operands, node.name);
  },
  _FusedConv2D: (g, node, inputs) => conv(g, node, inputs, false),
  Conv2D: (g, node, inputs) => conv(g, node, inputs, false),
  DepthwiseConv2dNative: (g, node, inputs) => conv(g, node, inputs, true),
  MaxPool: (g, node, inputs) => {
    checkNhwc(node);
    return inNchw(g, valueName(inputs[0]!), node, (nchw) =>
      g.op('MaxPool', [nchw], node.name, [autoPad(node), intsAttr('kernel_shape', spatial(node, 'ksize')), intsAttr('strides', spatial(node, 'strides'))]),
    );
  },
  // TF pads are [[begin, end] per axis]; ONNX's are [begins..., ends...].
  Pad: (g, node, inputs) => {
    const constant = g.constant(inputs[1]!);
    if (constant) {
      const paddings = Array.from(constant.values);
      const begins = paddings.filter((_, k) => k % 2 === 0);
      const ends = paddings.filter((_, k) => k % 2 === 1);
      return g.op('Pad', [valueName(inputs[0]!), g.int64(`${node.name}/pads`, [...begins, ...ends])], node.name);
    }
    const asInt64 = g.op('Cast', [valueName(inputs[1]!)], node.name, [intAttr('to', DataType.INT64)]);
    const byEnd = g.op('Transpose', [asInt64], node.name, [intsAttr('perm', [1, 0])]);
    return g.op('Pad', [valueName(inputs[0]!), g.op('Reshape', [byEnd, g.int64(`${node.name}/flat`, [-1])], node.name)], node.name);
  },
  Ceil: same('Ceil'),
  Exp: same('Exp'),
  Reciprocal: same('Reciprocal'),
  Softmax: (g, node, inputs) => g.op('Softmax', [valueName(inputs[0]!)], node.name, [intAttr('axis', -1)]),
  Size: (g, node, inputs) => g.op('Cast', [g.op('Size', [valueName(inputs[0]!)], node.name)], node.name, [intAttr('to', DataType.INT32)]),
  BroadcastTo: (g, node, inputs) => g.op('Expand', [valueName(inputs[0]!), g.asInt64(inputs[1]!, `${node.name}/shape`)], node.name),
  // Unpack: `num` slices along the axis, each without it.
  Unpack: (g, node, inputs) => {
    const num = attrInt(node, 'num');
    const axis = attrInt(node, 'axis');
    const parts = Array.from({ length: num }, (_, k) => `${g.fresh(node.name)}/part${k}`);
    g.add('Split', [valueName(inputs[0]!)], parts, [intAttr('axis', axis)]);
    const axes = g.int64(`${node.name}/axis`, [axis]);
    return parts.map((part) => g.op('Squeeze', [part, axes], node.name));
  },
  Reshape: (g, node, inputs) => {
    const shape = g.constant(inputs[1]!);
    if (shape && Array.from(shape.values).includes(0)) throw new Error(`Reshape ${node.name}: a 0 in the shape means different things in TF and ONNX`);
    return g.op('Reshape', [valueName(inputs[0]!), g.asInt64(inputs[1]!, `${node.name}/shape`)], node.name);
  },
  // ONNX's Shape is int64; TF's here is int32, and the graph computes with it as such.
  Shape: (g, node, inputs) => {
    if (node.attr?.out_type?.type && node.attr.out_type.type !== 'DT_INT32') throw new Error(`Shape ${node.name}: out_type ${node.attr.out_type.type}`);
    return g.op('Cast', [g.op('Shape', [valueName(inputs[0]!)], node.name)], node.name, [intAttr('to', DataType.INT32)]);
  },
  Cast: (g, node, inputs) => {
    const to = CAST_TYPES[node.attr?.DstT?.type ?? ''];
    if (to === undefined) throw new Error(`Cast ${node.name}: to ${node.attr?.DstT?.type} is not supported`);
    return g.op('Cast', [valueName(inputs[0]!)], node.name, [intAttr('to', to)]);
  },
  StridedSlice: stridedSlice,
  Pack: pack,
  Range: same('Range'),
  ExpandDims: (g, node, inputs) => g.op('Unsqueeze', [valueName(inputs[0]!), g.asInt64(inputs[1]!, `${node.name}/axes`)], node.name),
  Tile: (g, node, inputs) => g.op('Tile', [valueName(inputs[0]!), g.asInt64(inputs[1]!, `${node.name}/repeats`)], node.name),
  GatherV2: (g, node, inputs) => {
    if (attrInt(node, 'batch_dims') !== 0) throw new Error(`GatherV2 ${node.name}: batch_dims is not supported`);
    const axis = Array.from(g.requireConstant(inputs[2]!, node).values)[0] ?? 0;
    return g.op('Gather', [valueName(inputs[0]!), valueName(inputs[1]!)], node.name, [intAttr('axis', axis)]);
  },
  ConcatV2: (g, node, inputs) => {
    const axis = Array.from(g.requireConstant(inputs[inputs.length - 1]!, node).values)[0] ?? 0;
    return g.op('Concat', inputs.slice(0, -1).map(valueName), node.name, [intAttr('axis', axis)]);
  },
  Transpose: (g, node, inputs) =>
    g.op('Transpose', [valueName(inputs[0]!)], node.name, [intsAttr('perm', Array.from(g.requireConstant(inputs[1]!, node).values))]),
  Min: (g, node, inputs) => reduce(g, node, inputs, 'ReduceMin'),
  Max: (g, node, inputs) => reduce(g, node, inputs, 'ReduceMax'),
  Atan2: atan2,
  // Fill and ZerosLike: a scalar broadcast to a shape known at run time.
  Fill: (g, node, inputs) => g.op('Expand', [valueName(inputs[1]!), g.asInt64(inputs[0]!, `${node.name}/shape`)], node.name),
  ZerosLike: (g, node, inputs) => {
    if (node.attr?.T?.type && node.attr.T.type !== 'DT_FLOAT') throw new Error(`ZerosLike ${node.name}: type ${node.attr.T.type}`);
    return g.op('Expand', [g.float(`${node.name}/zero`, 0), g.op('Shape', [valueName(inputs[0]!)], node.name)], node.name);
  },
};

function reduce(g: GraphBuilder, node: TfNode, inputs: string[], opType: string): string {
  const axes = Array.from(g.requireConstant(inputs[1]!, node).values);
  return g.op(opType, [valueName(inputs[0]!)], node.name, [intsAttr('axes', axes), intAttr('keepdims', attrBool(node, 'keep_dims') ? 1 : 0)]);
}

const INPUT_TYPES: Record<string, number> = { DT_FLOAT: DataType.FLOAT, DT_UINT8: DataType.UINT8 };

/** The nodes the outputs depend on, in graph order: a graph can be converted up to a part it cannot (FaceBoxes' NMS loop). */
function neededFor(nodes: readonly TfNode[], outputs: readonly string[]): TfNode[] {
  const byName = new Map(nodes.map((n) => [n.name, n]));
  const needed = new Set<string>();
  const pending = outputs.map((o) => valueName(o).split(':')[0]!);
  while (pending.length > 0) {
    const name = pending.pop()!;
    if (needed.has(name)) continue;
    const node = byName.get(name);
    if (!node) throw new Error(`the graph has no node ${name}`);
    needed.add(name);
    for (const input of node.input ?? []) pending.push(input.replace(/^\^/, '').split(':')[0]!);
  }
  return nodes.filter((n) => needed.has(n.name));
}

/** The TF op types this converter knows. */
export const SUPPORTED_OPS = ['Const', 'Placeholder', ...Object.keys(CONVERTERS)];

export interface ConvertedModel {
  /** ONNX ModelProto bytes. */
  bytes: Uint8Array;
  inputs: string[];
  outputs: string[];
}

/**
 * The ONNX model of a tfjs graph. `outputs` are TF node names ("Identity" or "Identity:0"); the ONNX
 * graph's inputs and outputs carry the TF node names. The batch dimension is dynamic.
 */
export function convertTfjsGraph(model: TfjsGraphJson, weights: Uint8Array, outputs: readonly string[]): ConvertedModel {
  const constants = readWeights(
    model.weightsManifest.flatMap((group) => group.weights),
    weights,
  );
  const g = new GraphBuilder(constants);
  const graphInputs: onnx.IValueInfoProto[] = [];
  for (const node of neededFor(model.modelTopology.node, outputs)) {
    if (node.op === 'Const') {
      const c = constants.get(node.name);
      if (!c) throw new Error(`Const ${node.name} has no weight`);
      g.initializer(node.name, c);
      continue;
    }
    if (node.op === 'Placeholder') {
      const elemType = INPUT_TYPES[node.attr?.dtype?.type ?? ''];
      if (elemType === undefined) throw new Error(`input ${node.name}: only float32 and uint8 inputs are supported`);
      const dims = (node.attr?.shape?.shape?.dim ?? []).map((d, k) =>
        k === 0 || Number(d.size) < 0 ? { dimParam: k === 0 ? 'batch' : `d${k}` } : { dimValue: Number(d.size) },
      );
      graphInputs.push({ name: node.name, type: { tensorType: { elemType, shape: { dim: dims } } } });
      continue;
    }
    const convert = CONVERTERS[node.op];
    if (!convert) throw new Error(`TF op ${node.op} (node ${node.name}) is not supported by the converter`);
    const results = convert(g, node, inputsOf(node));
    (Array.isArray(results) ? results : [results]).forEach((result, k) => g.add('Identity', [result], [k === 0 ? node.name : `${node.name}:${k}`]));
  }
  const outputNames = outputs.map(valueName);
  // Weights that only fed a conversion (TF-layout filters, slice bounds, shapes) stay out.
  const used = new Set(g.nodes.flatMap((n) => n.input ?? []));
  const graph: onnx.IGraphProto = {
    name: 'converted',
    node: g.nodes,
    initializer: g.initializers.filter((t) => used.has(t.name ?? '')),
    input: graphInputs,
    output: outputNames.map((name) => ({ name, type: { tensorType: { elemType: DataType.FLOAT } } })),
  };
  const bytes = onnx.ModelProto.encode({ irVersion: 7, opsetImport: [{ domain: '', version: 13 }], producerName: 'facemark tfjs-to-onnx', graph }).finish();
  return { bytes, inputs: graphInputs.map((i) => i.name ?? ''), outputs: outputNames };
}
