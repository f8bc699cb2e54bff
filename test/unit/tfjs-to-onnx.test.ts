/**
 * @jest-environment ./test/support/native-typed-arrays.environment.js
 */
// The tfjs -> ONNX converter, one small graph per op: onnxruntime runs the converted graph, and tfjs
// (its CPU backend, the graphs' own runtime) runs the original: the two must agree.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { loadGraphModel } from '@tensorflow/tfjs-converter';
import * as ort from 'onnxruntime-node';
import { convertTfjsGraph, float16, type TfjsGraphJson, type TfNode, type TfWeightSpec } from '../../tools/onnx-convert/tfjs-to-onnx';

interface ConstSpec {
  name: string;
  dtype: 'float32' | 'int32';
  shape: number[];
  values: number[];
}

const b64 = (s: string) => Buffer.from(s).toString('base64');
const i = (n: number) => ({ i: String(n) });
const ints = (...n: number[]) => ({ list: { i: n.map(String) } });
const s = (text: string) => ({ s: b64(text) });
const type = (t: string) => ({ type: t });

/** A graph with float input `x` of `shape` (batch dynamic), the given constants and nodes, output `y`. */
function graphOf(shape: number[], consts: ConstSpec[], nodes: TfNode[]): { json: TfjsGraphJson; weights: Uint8Array } {
  const specs: TfWeightSpec[] = consts.map(({ name, dtype, shape: s }) => ({ name, dtype, shape: s }));
  const weights = Buffer.concat(consts.map((c) => Buffer.from((c.dtype === 'int32' ? Int32Array.from(c.values) : Float32Array.from(c.values)).buffer)));
  const placeholder: TfNode = {
    name: 'x',
    op: 'Placeholder',
    attr: { dtype: type('DT_FLOAT'), shape: { shape: { dim: [-1, ...shape.slice(1)].map((size) => ({ size: String(size) })) } } },
  };
  const constNodes: TfNode[] = consts.map((c) => ({ name: c.name, op: 'Const', attr: { dtype: type(c.dtype === 'int32' ? 'DT_INT32' : 'DT_FLOAT') } }));
  return { json: { modelTopology: { node: [placeholder, ...constNodes, ...nodes] }, weightsManifest: [{ paths: [], weights: specs }] }, weights };
}

async function bothRuntimes(
  shape: number[],
  input: number[],
  consts: ConstSpec[],
  nodes: TfNode[],
): Promise<{ tfjs: number[]; onnx: number[]; dims: readonly number[] }> {
  const { json, weights } = graphOf(shape, consts, nodes);
  const model = await loadGraphModel(
    tf.io.fromMemory({
      modelTopology: { ...json.modelTopology, versions: { producer: 1 } },
      weightSpecs: json.weightsManifest[0]!.weights as tf.io.WeightsManifestEntry[],
      weightData: weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength) as ArrayBuffer,
    }),
  );
  const out = model.execute(tf.tensor(input, shape), 'y:0') as tf.Tensor;
  const expected = Array.from(await out.data());
  out.dispose();
  const converted = convertTfjsGraph(json, weights, ['y']);
  const session = await ort.InferenceSession.create(Buffer.from(converted.bytes), { logSeverityLevel: 3 });
  const result = (await session.run({ x: new ort.Tensor('float32', Float32Array.from(input), shape) }))['y']!;
  await session.release();
  return { tfjs: expected, onnx: Array.from(result.data as Float32Array, Number), dims: result.dims };
}

const ramp = (n: number, scale = 0.1, offset = -0.3) => Array.from({ length: n }, (_, k) => Math.sin(k * 1.7) * scale * 10 + offset);
const f32 = (name: string, shape: number[], values = ramp(shape.reduce((a, b) => a * b, 1))): ConstSpec => ({ name, dtype: 'float32', shape, values });
const i32 = (name: string, values: number[], shape = [values.length]): ConstSpec => ({ name, dtype: 'int32', shape, values });
const node = (op: string, input: string[], attr: TfNode['attr'] = {}, name = 'y'): TfNode => ({ name, op, input, attr });

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const X = [1, 5, 5, 2];
const INPUT = ramp(50, 0.2, 0.1);

test.each<[string, number[], ConstSpec[], TfNode[]]>([
  [
    '_FusedConv2D BiasAdd+Relu, SAME, stride 2',
    X,
    [f32('w', [3, 3, 2, 3]), f32('b', [3])],
    [
      node('_FusedConv2D', ['x', 'w', 'b'], {
        fused_ops: { list: { s: [b64('BiasAdd'), b64('Relu')] } },
        padding: s('SAME'),
        strides: ints(1, 2, 2, 1),
        data_format: s('NHWC'),
        num_args: i(1),
      }),
    ],
  ],
  [
    '_FusedConv2D BiasAdd+Prelu, VALID',
    X,
    [f32('w', [2, 2, 2, 4]), f32('b', [4]), f32('a', [4])],
    [
      node('_FusedConv2D', ['x', 'w', 'b', 'a'], {
        fused_ops: { list: { s: [b64('BiasAdd'), b64('Prelu')] } },
        padding: s('VALID'),
        strides: ints(1, 1, 1, 1),
        num_args: i(2),
      }),
    ],
  ],
  [
    'DepthwiseConv2dNative, SAME',
    X,
    [f32('w', [3, 3, 2, 1])],
    [node('DepthwiseConv2dNative', ['x', 'w'], { padding: s('SAME'), strides: ints(1, 1, 1, 1), dilations: ints(1, 1, 1, 1) })],
  ],
  ['MaxPool SAME 2x2 / 2', X, [], [node('MaxPool', ['x'], { padding: s('SAME'), ksize: ints(1, 2, 2, 1), strides: ints(1, 2, 2, 1) })]],
  ['MaxPool VALID 2x2 / 2', X, [], [node('MaxPool', ['x'], { padding: s('VALID'), ksize: ints(1, 2, 2, 1), strides: ints(1, 2, 2, 1) })]],
  ['Pad', X, [i32('p', [0, 0, 1, 2, 0, 1, 0, 3], [4, 2])], [node('Pad', ['x', 'p'])]],
  [
    'AddV2, Sub, Mul, RealDiv, Minimum, Maximum',
    X,
    [f32('c', [2], [0.5, -2])],
    [
      node('AddV2', ['x', 'c'], {}, 'a'),
      node('Sub', ['a', 'x'], {}, 'b'),
      node('Mul', ['b', 'x'], {}, 'c2'),
      node('RealDiv', ['c2', 'c'], {}, 'd'),
      node('Minimum', ['d', 'x'], {}, 'e'),
      node('Maximum', ['e', 'c'], {}, 'y'),
    ],
  ],
  [
    'Relu, Sigmoid, Cos, Sin, Neg, Floor, AddN',
    X,
    [],
    [
      node('Relu', ['x'], {}, 'r'),
      node('Sigmoid', ['x'], {}, 's'),
      node('Cos', ['x'], {}, 'c'),
      node('Sin', ['x'], {}, 'n'),
      node('Neg', ['x'], {}, 'g'),
      node('Floor', ['x'], {}, 'f'),
      node('AddN', ['r', 's', 'c', 'n', 'g', 'f'], { N: i(6) }),
    ],
  ],
  ['Prelu', X, [f32('a', [2])], [node('Prelu', ['x', 'a'])]],
  ['MatMul', [1, 5], [f32('w', [5, 3])], [node('MatMul', ['x', 'w'], { transpose_a: { b: false }, transpose_b: { b: false } })]],
  ['BatchMatMulV2', [1, 5, 2], [f32('w', [2, 3])], [node('BatchMatMulV2', ['x', 'w'], { adj_x: { b: false }, adj_y: { b: false } })]],
  ['BatchMatMulV2 adj_y', [1, 5, 2], [f32('w', [1, 4, 2])], [node('BatchMatMulV2', ['x', 'w'], { adj_x: { b: false }, adj_y: { b: true } })]],
  ['Reshape (constant shape)', X, [i32('s', [-1, 10, 5])], [node('Reshape', ['x', 's'])]],
  [
    'Shape, StridedSlice (shrink), Pack, Reshape (computed shape)',
    X,
    [i32('b', [0]), i32('e', [1]), i32('st', [1]), i32('fifty', [50], [])],
    [
      node('Shape', ['x'], { out_type: type('DT_INT32') }, 'shape'),
      node('StridedSlice', ['shape', 'b', 'e', 'st'], { shrink_axis_mask: i(1) }, 'batch'),
      node('Pack', ['batch', 'fifty'], { N: i(2), axis: i(0) }, 'shape2'),
      node('Reshape', ['x', 'shape2']),
    ],
  ],
  [
    'StridedSlice with begin/end masks and a step',
    X,
    [i32('b', [0, 1, 0, 1]), i32('e', [0, 5, 4, 2]), i32('st', [1, 2, 1, 1])],
    [node('StridedSlice', ['x', 'b', 'e', 'st'], { begin_mask: i(5), end_mask: i(1) })],
  ],
  [
    'StridedSlice with an ellipsis (entries after it count from the end)',
    X,
    [i32('b', [0, 1]), i32('e', [0, 2]), i32('st', [1, 1])],
    [node('StridedSlice', ['x', 'b', 'e', 'st'], { ellipsis_mask: i(1), shrink_axis_mask: i(2) })],
  ],
  [
    'StridedSlice shrinking the last index (-1)',
    X,
    [i32('b', [0, -1]), i32('e', [0, 0]), i32('st', [1, 1])],
    [node('StridedSlice', ['x', 'b', 'e', 'st'], { ellipsis_mask: i(1), shrink_axis_mask: i(2) })],
  ],
  ['ExpandDims', X, [i32('a', [2], [])], [node('ExpandDims', ['x', 'a'])]],
  ['Tile', [1, 3, 2], [i32('m', [1, 2, 3])], [node('Tile', ['x', 'm'])]],
  ['GatherV2', [1, 5, 2], [i32('idx', [4, 0, 2]), i32('ax', [1], [])], [node('GatherV2', ['x', 'idx', 'ax'], { batch_dims: i(0) })]],
  ['ConcatV2', X, [f32('c', [1, 5, 5, 1]), i32('ax', [3], [])], [node('ConcatV2', ['x', 'c', 'ax'], { N: i(2) })]],
  ['Transpose', X, [i32('p', [0, 3, 1, 2])], [node('Transpose', ['x', 'p'])]],
  ['Min over an axis', X, [i32('ax', [1])], [node('Min', ['x', 'ax'], { keep_dims: { b: false } })]],
  ['Max over axes, kept', X, [i32('ax', [1, 2])], [node('Max', ['x', 'ax'], { keep_dims: { b: true } })]],
  ['Atan2 in every quadrant and on both axes', [1, 9], [f32('xs', [9], [1, -1, -1, 1, 0, 0, 0, 2, -2])], [node('Atan2', ['x', 'xs'])]],
  ['ZerosLike', X, [], [node('ZerosLike', ['x'], { T: type('DT_FLOAT') }, 'z'), node('AddV2', ['z', 'x'])]],
  [
    'Fill (computed shape)',
    X,
    [f32('v', [], [2.5])],
    [
      node('Shape', ['x'], { out_type: type('DT_INT32') }, 'shape'),
      node('Fill', ['shape', 'v'], { index_type: type('DT_INT32') }, 'f'),
      node('Mul', ['f', 'x']),
    ],
  ],
  [
    'LessEqual, GreaterEqual, LogicalAnd, Cast from bool',
    X,
    [f32('lo', [], [-0.2]), f32('hi', [], [0.4])],
    [
      node('GreaterEqual', ['x', 'lo'], {}, 'ge'),
      node('LessEqual', ['x', 'hi'], {}, 'le'),
      node('LogicalAnd', ['ge', 'le'], {}, 'in'),
      node('Cast', ['in'], { SrcT: type('DT_BOOL'), DstT: type('DT_FLOAT') }),
    ],
  ],
  [
    'Range, Cast to int32 and back',
    X,
    [i32('start', [0], []), i32('delta', [1], []), i32('b', [1]), i32('e', [2]), i32('st', [1])],
    [
      node('Shape', ['x'], { out_type: type('DT_INT32') }, 'shape'),
      node('StridedSlice', ['shape', 'b', 'e', 'st'], { shrink_axis_mask: i(1) }, 'rows'),
      node('Range', ['start', 'rows', 'delta'], {}, 'r'),
      node('Cast', ['r'], { SrcT: type('DT_INT32'), DstT: type('DT_FLOAT') }, 'rf'),
      node('Cast', ['rf'], { SrcT: type('DT_FLOAT'), DstT: type('DT_INT32') }, 'ri'),
      node('Cast', ['ri'], { SrcT: type('DT_INT32'), DstT: type('DT_FLOAT') }),
    ],
  ],
  [
    'Ceil, Exp, Reciprocal',
    X,
    [],
    [node('Ceil', ['x'], {}, 'c'), node('Exp', ['x'], {}, 'e'), node('Reciprocal', ['e'], {}, 'r'), node('AddN', ['c', 'r'], { N: i(2) })],
  ],
  ['Softmax over the last axis', [1, 5], [], [node('Softmax', ['x'])]],
  [
    'Size, Cast to double (float32, as tfjs has it), BroadcastTo',
    X,
    [f32('c', [2], [0.25, -1]), i32('s', [1, 5, 5, 2])],
    [
      node('Size', ['x'], { out_type: type('DT_INT32') }, 'n'),
      node('Cast', ['n'], { SrcT: type('DT_INT32'), DstT: type('DT_DOUBLE') }, 'nf'),
      node('BroadcastTo', ['c', 's'], {}, 'b'),
      node('Mul', ['b', 'nf'], {}, 'm'),
      node('AddV2', ['m', 'x']),
    ],
  ],
  [
    'Unpack (the outputs after the first too)',
    [1, 4, 2],
    [],
    [node('Unpack', ['x'], { num: i(4), axis: i(1) }, 'u'), node('AddN', ['u', 'u:1', 'u:3'], { N: i(3) })],
  ],
  ['Pad with paddings computed at run time', X, [i32('p', [0, 0, 2, 1, 1, 0, 0, 0], [4, 2])], [node('Identity', ['p'], {}, 'q'), node('Pad', ['x', 'q'])]],
])('%s', async (_, shape, consts, nodes) => {
  const input =
    shape.length === 2 && shape[1] === 9
      ? [0, 1, -1, -1, 1, -1, 0, 0, 0]
      : INPUT.slice(
          0,
          shape.reduce((a, b) => a * b, 1),
        );
  const { tfjs, onnx } = await bothRuntimes(shape, input, consts, nodes);
  expect(onnx).toHaveLength(tfjs.length);
  onnx.forEach((v, k) => expect(Math.abs(v - tfjs[k]!)).toBeLessThan(1e-5));
});

test('a batch of 3 through a graph built for any batch', async () => {
  const consts = [f32('w', [3, 3, 2, 3]), f32('b', [3])];
  const nodes = [
    node('_FusedConv2D', ['x', 'w', 'b'], {
      fused_ops: { list: { s: [b64('BiasAdd'), b64('Relu')] } },
      padding: s('SAME'),
      strides: ints(1, 1, 1, 1),
      num_args: i(1),
    }),
  ];
  const { tfjs, onnx, dims } = await bothRuntimes([3, 5, 5, 2], ramp(150, 0.2), consts, nodes);
  expect(dims).toEqual([3, 5, 5, 3]);
  onnx.forEach((v, k) => expect(Math.abs(v - tfjs[k]!)).toBeLessThan(1e-5));
});

test('float16 weights expand exactly', () => {
  expect(float16(0x3c00)).toBe(1);
  expect(float16(0xc000)).toBe(-2);
  expect(float16(0x3555)).toBeCloseTo(0.333251953125, 12);
  expect(float16(0x0001)).toBe(2 ** -24);
  expect(float16(0x7c00)).toBe(Infinity);
  expect(float16(0x7e00)).toBeNaN();
});

test('an op it does not know stops the conversion with its name', () => {
  const { json, weights } = graphOf([1, 2], [], [node('Erf', ['x'])]);
  expect(() => convertTfjsGraph(json, weights, ['y'])).toThrow('TF op Erf (node y) is not supported by the converter');
});

test('weights that do not match the manifest are refused', () => {
  const { json } = graphOf([1, 2], [f32('w', [2])], [node('AddV2', ['x', 'w'])]);
  expect(() => convertTfjsGraph(json, new Uint8Array(4), ['y'])).toThrow(RangeError);
});
