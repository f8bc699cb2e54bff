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
  /** Runs the graph on one NHWC batch (float32, or bytes for FaceBoxes); the named outputs' values, in the order asked. */
  run(input: Float32Array | Uint8Array, shape: readonly number[], outputs: readonly string[]): Promise<Float32Array[]>;
}

/**
 * One intra-op thread: each engine worker is one core's worth of inference (two per session gained
 * nothing on 2 cores, engine-notes). `arena`: onnxruntime's CPU memory arena. Without it, runs
 * allocate and free their buffers each time, and some run several times slower (`BENCH_ONLY=graphs
 * npm run bench`: the mesh on 6 crops 67.5 ms against 17.6, FaceBoxes on a 1280x736 picture 92.8
 * against 18.9). With it, a session keeps the memory of its largest input: right for graphs whose
 * input is bounded (the mesh and BlazeFace: fixed; FaceBoxes: at most DETECTION_MAX_SIDE), not for
 * YuNet, whose input is any size (RSS kept ~350 MB after one large image, engine-notes).
 */
export async function onnxSession(modelPath: string, options: { arena: boolean }): Promise<ort.InferenceSession> {
  return ort.InferenceSession.create(modelPath, {
    intraOpNumThreads: 1,
    interOpNumThreads: 1,
    enableCpuMemArena: options.arena,
    enableMemPattern: options.arena,
    logSeverityLevel: 3,
  });
}

/** Told each graph run's name and milliseconds, when something listens (the bench's time split). */
let graphTimer: ((graph: ConvertedModelName, ms: number) => void) | undefined;

/** Reports the time of every graph run of this thread to `report` from now on. */
export function timeGraphs(report: (graph: ConvertedModelName, ms: number) => void): void {
  graphTimer = report;
}

export async function loadInferenceGraph(name: ConvertedModelName, runtime: EngineRuntime): Promise<InferenceGraph> {
  const graph = await loadUntimed(name, runtime);
  return {
    run: async (...args) => {
      if (!graphTimer) return graph.run(...args);
      const started = performance.now();
      try {
        return await graph.run(...args);
      } finally {
        graphTimer(name, performance.now() - started);
      }
    },
  };
}

async function loadUntimed(name: ConvertedModelName, runtime: EngineRuntime): Promise<InferenceGraph> {
  if (runtime === 'tfjs') {
    const model = await loadGraphModelFromDisk(path.join(humanModelsDir(), `${name}.json`));
    return {
      run: async (input, shape, outputs) => {
        const results = tf.tidy(
          () =>
            model.execute(
              tf.tensor(input, [...shape], input instanceof Uint8Array ? 'int32' : 'float32'),
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
  const session = await onnxSession(convertedModelPath(name), { arena: true });
  const inputName = session.inputNames[0];
  if (!inputName) throw new Error(`${name}.onnx has no input`);
  return {
    run: async (input, shape, outputs) => {
      const feed = input instanceof Uint8Array ? new ort.Tensor('uint8', input, [...shape]) : new ort.Tensor('float32', input, [...shape]);
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
