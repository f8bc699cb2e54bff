// The two runtimes that run the engine's graphs: onnxruntime-node on the converted models (the
// default: about 4x faster on a CPU, engine-notes) and tfjs-wasm on the npm-shipped graphs (the
// reference the conversion is checked against, ENGINE_RUNTIME=tfjs).
import * as tf from '@tensorflow/tfjs-core';
import * as ort from 'onnxruntime-node';
import type { EngineRuntime } from './engine-protocol';
import { convertedModelPath, humanModelsDir, type ConvertedModelName } from './onnx-models';
import { loadGraphModelFromDisk } from './tf-runtime';
import path from 'node:path';

export interface InferenceGraph {
  /** Runs the graph on one float32 NHWC batch; the named outputs' values, in the order asked. */
  run(input: Float32Array, shape: readonly number[], outputs: readonly string[]): Promise<Float32Array[]>;
}

/** One intra-op thread: each engine worker is one core's worth of inference (two per session gained nothing on 2 cores). */
export async function onnxSession(modelPath: string): Promise<ort.InferenceSession> {
  // The CPU memory arena kept ~350 MB after one large image (engine-notes); without it ~180 MB.
  return ort.InferenceSession.create(modelPath, { intraOpNumThreads: 1, interOpNumThreads: 1, enableCpuMemArena: false, logSeverityLevel: 3 });
}

export async function loadInferenceGraph(name: ConvertedModelName, runtime: EngineRuntime): Promise<InferenceGraph> {
  if (runtime === 'tfjs') {
    const model = await loadGraphModelFromDisk(path.join(humanModelsDir(), `${name}.json`));
    return {
      run: async (input, shape, outputs) => {
        const results = tf.tidy(
          () =>
            model.execute(
              tf.tensor(input, [...shape], 'float32'),
              outputs.map((o) => `${o}:0`),
            ) as tf.Tensor[],
        );
        try {
          return results.map((t) => t.dataSync() as Float32Array);
        } finally {
          tf.dispose(results);
        }
      },
    };
  }
  const session = await onnxSession(convertedModelPath(name));
  const inputName = session.inputNames[0];
  if (!inputName) throw new Error(`${name}.onnx has no input`);
  return {
    run: async (input, shape, outputs) => {
      const feed = new ort.Tensor('float32', input, [...shape]);
      const results = await session.run({ [inputName]: feed }, [...outputs]);
      try {
        return outputs.map((o) => {
          const t = results[o];
          if (!t) throw new Error(`${name}.onnx answered without ${o}`);
          return t.data as Float32Array;
        });
      } finally {
        feed.dispose();
        Object.values(results).forEach((t) => t.dispose());
      }
    },
  };
}
