// BENCH_ONLY=hard-faces: what each part of the detection chain does with the faces real footage makes
// hard (issue #29): walking.mp4's listed faces (every 5th frame, tools/walking-footage.ts), as filmed
// and darkened (pixel values scaled by 0.5, 0.3 and 0.2, with sensor-like noise added at the dim
// levels), through the photo path, and through each part on its own at the listed boxes: BlazeFace's
// best candidate score, the mesh's presence seeded on the listed box, FaceBoxes' best score, and
// face-api's SSD MobileNet v1 (the other detector family npm ships) as the alternative. Then small faces:
// the same frames as full-resolution tiles through the photo path, the second pass #29 asks for.
import { DEFAULT_MIN_FACE_SIZE } from '../src/detection/detection-options';
import sharp from 'sharp';
import { iou, type Box } from '../src/geometry/geometry';
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
const ACCEPT = { blazeface: 0.4, presence: 0.9999, faceboxes: 0.5, ssd: 0.5 };
const MAX_SIDE = 1280;

/** The frame at the detection size, its values scaled by `level`, with noise of sigma 6 x (1 - level) (a fixed sequence). */
async function dimmed(bytes: Buffer, level: number): Promise<DetectInput> {
  const { data, info } = await sharp(bytes)
    .resize({ width: MAX_SIDE, height: MAX_SIDE, fit: 'inside' })
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  let state = 12345;
  const noise = () => {
    // Sum of four uniforms, about normal, sigma about 1.15 of the scale.
    let s = 0;
    for (let k = 0; k < 4; k++) {
      state = (state * 1103515245 + 12345) % 2 ** 31;
      s += state / 2 ** 31 - 0.5;
    }
    return s * 1.73;
  };
  const sigma = 6 * (1 - level);
  const pixels = Uint8Array.from(data, (v) => Math.min(255, Math.max(0, Math.round(v * level + (sigma > 0 ? sigma * noise() : 0)))));
  const scale = (await sharp(bytes).metadata()).width! / info.width;
  return { data: pixels, width: info.width, height: info.height, scale, maxFaces: 100, minFaceSize: DEFAULT_MIN_FACE_SIZE };
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
    '| brightness | photo path | BlazeFace on the darkened picture >= 0.4 | mesh presence on the listed box, as the engine meshes (dim pictures brightened) >= 0.9999 | FaceBoxes >= 0.5 | SSD MobileNet v1 >= 0.5 | unlisted boxes (photo path) |',
  );
  console.log('|---|---|---|---|---|---|---|');
  for (const { level, counts, medians } of rows) {
    const cell = (key: 'blazeface' | 'presence' | 'faceboxes' | 'ssd') => `${counts[key]} (median ${medians[key]!.toFixed(key === 'presence' ? 4 : 2)})`;
    console.log(`| ${level} | ${counts.photoPath} | ${cell('blazeface')} | ${cell('presence')} | ${cell('faceboxes')} | ${cell('ssd')} | ${counts.unlisted} |`);
  }
  return { rows, exposure: await exposureCost(frames[0]!.bytes), tiles: await benchTiles(engine, frames) };
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

/**
 * The small-face second pass, tried as the photo path on tiles: the frame cut into 3 x 2 overlapping
 * tiles (each 1/2.4 of the width and 1/1.8 of the height), from the full-resolution frame or from the
 * detection-size picture; a tile's face touching an inner tile edge is dropped, and one a whole-frame
 * face overlaps is that face.
 */
async function benchTiles(engine: MediapipeEngine, frames: Awaited<ReturnType<typeof walkingFootage>>) {
  const result: Record<string, { found: number; unlisted: number; msPerFrame: number }> = {};
  for (const source of ['full resolution', 'detection size'] as const) {
    let [found, unlisted, ms] = [0, 0, 0];
    for (const { bytes, listed } of frames) {
      const whole = await dimmed(bytes, 1);
      const [wholeFaces] = await engine.detect([whole]);
      const merged = wholeFaces!.map((f) => scaled(f.box, whole.scale));
      const started = performance.now();
      const picture = source === 'full resolution' ? sharp(bytes) : sharp(bytes).resize(MAX_SIDE);
      const { data, info } = await picture.removeAlpha().raw().toBuffer({ resolveWithObject: true });
      const toFrame = 1920 / info.width;
      const [tw, th] = [Math.round(info.width / 2.4), Math.round(info.height / 1.8)];
      for (const tx of [0, Math.round((info.width - tw) / 2), info.width - tw])
        for (const ty of [0, info.height - th]) {
          const tile = new Uint8Array(tw * th * 3);
          for (let y = 0; y < th; y++) tile.set(data.subarray(((ty + y) * info.width + tx) * 3, ((ty + y) * info.width + tx + tw) * 3), y * tw * 3);
          const [faces] = await engine.detect([{ data: tile, width: tw, height: th, scale: 1, maxFaces: 100, minFaceSize: DEFAULT_MIN_FACE_SIZE }]);
          for (const { box } of faces!) {
            const inner =
              (box.x < 2 && tx > 0) ||
              (box.y < 2 && ty > 0) ||
              (box.x + box.width > tw - 2 && tx + tw < info.width) ||
              (box.y + box.height > th - 2 && ty + th < info.height);
            const inFrame = scaled({ x: box.x + tx, y: box.y + ty, width: box.width, height: box.height }, toFrame);
            if (!inner && merged.every((m) => iou(m, inFrame) < 0.3)) merged.push(inFrame);
          }
        }
      ms += performance.now() - started;
      const recall = footageRecall(listed, merged);
      found += recall.found;
      unlisted += recall.unlisted;
    }
    result[source] = { found, unlisted, msPerFrame: ms / frames.length };
  }
  console.log('\nA second pass on 3 x 2 overlapping tiles, each through the photo path, one engine thread:');
  console.log("| tiles from | listed faces found (of 120) | unlisted boxes | the tiles' time per frame |");
  console.log('|---|---|---|---|');
  for (const [source, r] of Object.entries(result)) console.log(`| ${source} | ${r.found} | ${r.unlisted} | ${r.msPerFrame.toFixed(0)} ms |`);
  return result;
}
