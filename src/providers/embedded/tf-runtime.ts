// The tfjs runtime of an engine worker: the WebAssembly backend, and graph models read from disk.
import fs from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { loadGraphModel, type GraphModel } from '@tensorflow/tfjs-converter';

let ready: Promise<void> | undefined;

/** Selects the wasm backend once per thread (SIMD on; one inference uses one core). */
export function useWasmBackend(): Promise<void> {
  return (ready ??= (async () => {
    await tf.setBackend('wasm');
    await tf.ready();
    acceptIntegerMatMul();
  })());
}

/**
 * tfjs-backend-wasm 4.22's BatchMatMul refuses int32 operands ("not yet supported"), and the face
 * mesh's attention blocks produce some. Cast them to float32 and run the original kernel.
 */
function acceptIntegerMatMul(): void {
  const original = tf.getKernel('BatchMatMul', 'wasm');
  if (!original) return;
  const cast = tf.getKernel('Cast', 'wasm');
  if (!cast) throw new Error('the wasm backend has no Cast kernel');
  tf.unregisterKernel('BatchMatMul', 'wasm');
  tf.registerKernel({
    ...original,
    kernelFunc: (args) => {
      const { a, b } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
      if (a.dtype === 'float32' && b.dtype === 'float32') return original.kernelFunc(args);
      const temporary: tf.TensorInfo[] = [];
      const asFloat = (t: tf.TensorInfo) => {
        if (t.dtype === 'float32') return t;
        const converted = cast.kernelFunc({ inputs: { x: t }, backend: args.backend, attrs: { dtype: 'float32' } }) as tf.TensorInfo;
        temporary.push(converted);
        return converted;
      };
      const result = original.kernelFunc({ ...args, inputs: { a: asFloat(a), b: asFloat(b) } });
      temporary.forEach((t) => (args.backend as tf.KernelBackend).disposeData(t.dataId));
      return result;
    },
  });
}

/** A tfjs graph model (model.json + weight shards) from a folder on disk: no network, no fetch. */
export async function loadGraphModelFromDisk(jsonPath: string): Promise<GraphModel> {
  const json = JSON.parse(fs.readFileSync(jsonPath, 'utf8')) as {
    modelTopology: object;
    format?: string;
    generatedBy?: string;
    convertedBy?: string;
    signature?: object;
    weightsManifest: Array<{ paths: string[]; weights: tf.io.WeightsManifestEntry[] }>;
  };
  const shards = json.weightsManifest.flatMap((group) => group.paths.map((p) => fs.readFileSync(path.join(path.dirname(jsonPath), p))));
  const weights = Buffer.concat(shards);
  return loadGraphModel(
    tf.io.fromMemory({
      modelTopology: json.modelTopology,
      format: json.format,
      generatedBy: json.generatedBy,
      convertedBy: json.convertedBy,
      signature: json.signature,
      weightSpecs: json.weightsManifest.flatMap((group) => group.weights),
      weightData: weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength),
    }),
  );
}
