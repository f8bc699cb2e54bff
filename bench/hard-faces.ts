// BENCH_ONLY=hard-faces: what each part of the detection chain does with the faces real footage makes
// hard (issue #29): walking.mp4's listed faces (every 5th frame, tools/walking-footage.ts), as filmed
// and darkened (pixel values scaled by 0.5, 0.3 and 0.2, with sensor-like noise added at the dim
// levels), through the photo path, and through each part on its own at the listed boxes: BlazeFace's
// best candidate score, the mesh's presence seeded on the listed box, FaceBoxes' best score, and
// face-api's SSD MobileNet v1 (the other detector family npm ships) as the alternative. Then faces
// turned near profile (benchTurnedFaces, also BENCH_ONLY=turned-faces). The engine's small-face pass
// has its own bench (BENCH_ONLY=small-faces).
import { DEFAULT_MIN_FACE_SIZE } from '../src/detection/detection-options';
import fs from 'node:fs';
import path from 'node:path';
import { boundingBox, iou, scalePixelPoint, type Box } from '../src/geometry/geometry';
import { landmarkErrors } from '../src/geometry/landmark-error';
import { fivePointsFrom68 } from '../src/geometry/landmarks';
import { imageTensor } from '../src/providers/embedded/image-tensors';
import { darkened } from '../tools/dim-light';
import { annotatedFaces, headTurn, NEAR_PROFILE } from '../tools/annotations';
import type * as FaceApi from '@vladmandic/face-api/dist/face-api.node-wasm.js';
import type { DetectInput } from '../src/providers/embedded/engine-protocol';
import { detectWithFaceapi } from '../src/providers/embedded/faceapi-engine';
import { loadFaceboxes } from '../src/providers/embedded/mediapipe/faceboxes';
import { MediapipeEngine } from '../src/providers/embedded/mediapipe/mediapipe-engine';
import { useWasmBackend } from '../src/providers/embedded/tf-runtime';
import { exposed } from '../src/providers/embedded/exposure';
import { footageRecall, walkingFootage } from '../tools/walking-footage';
import { sharedPath } from '../tools/shared-folder';

const LEVELS = [1, 0.5, 0.3, 0.2];
// Thresholds each part works at in the engine (mediapipe-engine.ts, face-finders.ts) and face-api's default.
const ACCEPT = { blazeface: 0.4, presence: 0.9999, faceboxes: 0.5, ssd: 0.5, tiny: 0.5 };
const MAX_SIDE = 1280;

/** The picture at the detection size (a smaller one as it is, or enlarged to it), darkened (tools/dim-light.ts). */
async function dimmed(bytes: Buffer, level: number, enlarge = false): Promise<DetectInput> {
  return { ...(await darkened(bytes, level, MAX_SIDE, enlarge)), maxFaces: 100, minFaceSize: DEFAULT_MIN_FACE_SIZE };
}

const scaled = (b: Box, k: number): Box => ({ x: b.x * k, y: b.y * k, width: b.width * k, height: b.height * k });
const best = (boxes: ReadonlyArray<{ box: Box; score: number }>, listed: Box) =>
  Math.max(0, ...boxes.filter((b) => iou(b.box, listed) >= 0.3).map((b) => b.score));
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

export async function benchHardFaces() {
  await useWasmBackend();
  const engine = await MediapipeEngine.load({ name: 'blazeface' }, 'onnx', true);
  const faceboxes = await loadFaceboxes('onnx');
  const frames = await walkingFootage(sharedPath('datasets', 'video'));
  const rows = [];
  for (const level of LEVELS) {
    const counts = { listed: 0, photoPath: 0, blazeface: 0, presence: 0, faceboxes: 0, ssd: 0, unlisted: 0 };
    const scores = { blazeface: [] as number[], presence: [] as number[], faceboxes: [] as number[], ssd: [] as number[] };
    for (const { bytes, listed } of frames) {
      const image = await dimmed(bytes, level);
      // Listed boxes are in the 1920 px frame; the parts see the detection-size picture.
      const inPicture = listed.map((b) => scaled(b, 1 / image.scale));
      const [found] = await engine.detect([image]);
      const recall = footageRecall(
        inPicture,
        found!.map((f) => f.box),
      );
      counts.listed += listed.length;
      counts.photoPath += recall.found;
      counts.unlisted += recall.unlisted;
      const candidates = (await engine.candidates(image)).map((c) => ({ box: c.box, score: c.score }));
      const boxes = await faceboxes.find(image);
      const ssd = (await detectWithFaceapi(image)).map((f) => ({ box: f.box, score: f.confidence }));
      const meshes = await engine.meshes(
        image,
        inPicture.map((box) => ({
          box,
          leftEye: { x: box.x + box.width * 0.3, y: box.y + box.height * 0.4 },
          rightEye: { x: box.x + box.width * 0.7, y: box.y + box.height * 0.4 },
        })),
      );
      inPicture.forEach((box, k) => {
        const part = { blazeface: best(candidates, box), presence: meshes[k]!.presence, faceboxes: best(boxes, box), ssd: best(ssd, box) };
        for (const key of Object.keys(part) as Array<keyof typeof part>) {
          scores[key].push(part[key]);
          if (part[key] >= ACCEPT[key]) counts[key]++;
        }
      });
    }
    rows.push({ level, counts, medians: Object.fromEntries(Object.entries(scores).map(([k, v]) => [k, median(v)])) });
  }
  console.log(`\nHard faces (BENCH_ONLY=hard-faces): walking.mp4's ${rows[0]!.counts.listed} listed faces (every 5th frame) at ${MAX_SIDE} px, darkened`);
  console.log(
    '| picture | brightness | photo path | BlazeFace on the darkened picture >= 0.4 | mesh presence on the listed box, as the engine meshes (dim pictures brightened) >= 0.9999 | FaceBoxes >= 0.5 | SSD MobileNet v1 >= 0.5 | unlisted boxes (photo path) |',
  );
  console.log('|---|---|---|---|---|---|---|');
  for (const { level, counts, medians } of rows) {
    const cell = (key: 'blazeface' | 'presence' | 'faceboxes' | 'ssd') => `${counts[key]} (median ${medians[key]!.toFixed(key === 'presence' ? 4 : 2)})`;
    console.log(`| ${level} | ${counts.photoPath} | ${cell('blazeface')} | ${cell('presence')} | ${cell('faceboxes')} | ${cell('ssd')} | ${counts.unlisted} |`);
  }
  const turned = await benchTurnedFaces(engine, faceboxes);
  return { rows, turned, exposure: await exposureCost(frames[0]!.bytes) };
}

/**
 * Turned faces in the dark: the annotated faces of helen-dev, helen-small and dlib-faces turned near profile
 * (headTurn >= NEAR_PROFILE; people placed helen's points, dlib's predictor placed dlib-faces'), darkened as
 * the footage is, through the photo path and each part at the annotated box, with the eyes' annotated
 * centres as the mesh's seed, and face-api's two detectors (SSD MobileNet v1, as the faceapi engine runs
 * it, and the tiny detector) as what npm's other profile-trained detectors would add.
 */
export async function benchTurnedFaces(engine?: MediapipeEngine, faceboxes?: Awaited<ReturnType<typeof loadFaceboxes>>) {
  if (!engine || !faceboxes) {
    await useWasmBackend();
    engine = await MediapipeEngine.load({ name: 'blazeface' }, 'onnx', true);
    faceboxes = await loadFaceboxes('onnx');
  }
  const faces = annotatedFaces(['helen-dev', 'helen-small', 'dlib-faces'], (face) => headTurn(face.points68) >= NEAR_PROFILE);
  const pictures = [...new Set(faces.map((f) => f.file))];
  const tiny = await tinyFaceDetector();
  const rows = [];
  const missed: string[] = [];
  for (const enlarge of [false, true])
    for (const level of LEVELS) {
      const counts = { photoPath: 0, blazeface: 0, presence: 0, faceboxes: 0, ssd: 0, tiny: 0, any: 0 };
      const errors: number[] = [];
      for (const file of pictures) {
        const image = await dimmed(fs.readFileSync(file), level, enlarge);
        const [found] = await engine.detect([image]);
        const candidates = await engine.candidates(image);
        const boxes = await faceboxes.find(image);
        const ssd = (await detectWithFaceapi(image)).map((f) => ({ box: f.box, score: f.confidence }));
        const small = await tiny(image);
        for (const face of faces.filter((f) => f.file === file)) {
          const truth = face.points68.map((p) => scalePixelPoint(p, 1 / image.scale));
          const box = boundingBox(truth);
          const { leftEye, rightEye } = fivePointsFrom68(truth);
          const [mesh] = await engine.meshes(image, [{ box, leftEye, rightEye }]);
          const match = found!.find((f) => iou(f.box, box) >= 0.3);
          if (match) {
            counts.photoPath++;
            errors.push(landmarkErrors(truth, match.points68).all68);
          } else {
            // What the photo path's detectors saw: the picture after the exposure step.
            const seen = exposed(image);
            missed.push(
              `${enlarge ? 'enlarged' : 'own size'}, ${level}: ${face.name}, ${Math.round(box.width)} px wide; on the brightened picture BlazeFace ${best(await engine.candidates(seen), box).toFixed(2)}, FaceBoxes ${best(await faceboxes.find(seen), box).toFixed(2)}`,
            );
          }
          const part = { blazeface: best(candidates, box), presence: mesh!.presence, faceboxes: best(boxes, box), ssd: best(ssd, box), tiny: best(small, box) };
          for (const key of Object.keys(part) as Array<keyof typeof part>) if (part[key] >= ACCEPT[key]) counts[key]++;
          if (part.ssd >= ACCEPT.ssd || part.tiny >= ACCEPT.tiny) counts.any++;
        }
      }
      rows.push({ size: enlarge ? `enlarged to ${MAX_SIDE} px` : 'own size', level, counts, medianNme: median(errors) });
    }
  console.log(
    `\nTurned faces (headTurn >= ${NEAR_PROFILE}): ${faces.length} annotated faces of helen-dev, helen-small and dlib-faces, in ${pictures.length} pictures, darkened, at their own size up to ${MAX_SIDE} px and enlarged to it (the small ones' noise then blotchy)`,
  );
  console.log(
    '| picture | brightness | photo path | its 68-pt NME, median | BlazeFace >= 0.4 | mesh presence at the annotated box >= 0.9999 | FaceBoxes >= 0.5 | SSD MobileNet v1 >= 0.5 | tiny detector >= 0.5 | either face-api detector |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|---|');
  for (const { size, level, counts, medianNme } of rows)
    console.log(
      `| ${size} | ${level} | ${counts.photoPath} | ${medianNme.toFixed(1)} % | ${counts.blazeface} | ${counts.presence} | ${counts.faceboxes} | ${counts.ssd} | ${counts.tiny} | ${counts.any} |`,
    );
  console.log(`Faces the photo path missed (best score at IoU >= 0.3):\n${missed.join('\n')}`);
  return { faces: faces.length, rows, missed };
}

/** face-api's tiny detector at its largest input, its boxes and scores in the picture's pixels. */
async function tinyFaceDetector() {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the build face-api-engine.ts loads
  const faceapi = require('@vladmandic/face-api/dist/face-api.node-wasm.js') as typeof FaceApi;
  if (!faceapi.nets.tinyFaceDetector.isLoaded)
    await faceapi.nets.tinyFaceDetector.loadFromDisk(path.join(path.dirname(require.resolve('@vladmandic/face-api/package.json')), 'model'));
  return async (image: DetectInput) => {
    const input = imageTensor(image);
    try {
      const found = await faceapi.detectAllFaces(input as never, new faceapi.TinyFaceDetectorOptions({ inputSize: 608, scoreThreshold: 0.1 }));
      return found.map((f) => ({ box: { x: f.box.x, y: f.box.y, width: f.box.width, height: f.box.height }, score: f.score }));
    } finally {
      input.dispose();
    }
  };
}

/** What the exposure step costs a 1280 px frame: the levels alone (a bright frame), and levels and copy (a dim one); median of 50, ms. */
async function exposureCost(bytes: Buffer) {
  const time = async (image: DetectInput) => {
    const runs = Array.from({ length: 50 }, () => {
      const started = performance.now();
      exposed(image);
      return performance.now() - started;
    });
    return median(runs);
  };
  const cost = { bright: await time(await dimmed(bytes, 1)), dim: await time(await dimmed(bytes, 0.3)) };
  console.log(
    `Exposure step on a 1280x720 frame: ${cost.bright.toFixed(2)} ms bright (levels only), ${cost.dim.toFixed(2)} ms dim (levels and a brightened copy)`,
  );
  return cost;
}
