/**
 * @jest-environment ./test/support/native-typed-arrays.environment.js
 */
// The converted graphs (onnxruntime, the default) against the npm-shipped ones on tfjs-wasm (the
// reference), on the real photos: BlazeFace's candidates and the meshes of their crops must agree.
import fs from 'node:fs';
import sharp from 'sharp';
import { MediapipeEngine } from '../src/providers/embedded/mediapipe/mediapipe-engine';
import { useWasmBackend } from '../src/providers/embedded/tf-runtime';
import type { PixelImage } from '../src/providers/embedded/engine-protocol';
import { dataset } from './support/datasets';
import { loadFaceboxes } from '../src/providers/embedded/mediapipe/faceboxes';
import { iou } from '../src/geometry/geometry';
import { framesOf } from '../tools/video-frames';

let onnx: MediapipeEngine;
let tfjs: MediapipeEngine;
beforeAll(async () => {
  await useWasmBackend();
  [onnx, tfjs] = await Promise.all([MediapipeEngine.load({ name: 'blazeface' }, 'onnx'), MediapipeEngine.load({ name: 'blazeface' }, 'tfjs')]);
});

const pixels = (file: string) => pixelsOf(file);

async function pixelsOf(file: string | Buffer): Promise<PixelImage> {
  const { data, info } = await sharp(file)
    .rotate()
    .resize(1280, 1280, { fit: 'inside', withoutEnlargement: true })
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { data: new Uint8Array(data), width: info.width, height: info.height };
}

test('on all 12 photos: the same candidates (scores within 1e-5, boxes within 1e-3 px) and meshes within 1e-3 px', async () => {
  let candidates = 0;
  let worstMesh = 0;
  for (const file of fs.readdirSync(dataset('photos'))) {
    const image = await pixels(dataset('photos', file));
    const [fromOnnx, fromTfjs] = [await onnx.candidates(image), await tfjs.candidates(image)];
    expect(fromOnnx).toHaveLength(fromTfjs.length);
    fromTfjs.forEach((c, k) => {
      const twin = fromOnnx[k]!;
      expect(Math.abs(twin.score - c.score)).toBeLessThan(1e-5);
      for (const key of ['x', 'y', 'width', 'height'] as const) expect(Math.abs(twin.box[key] - c.box[key])).toBeLessThan(1e-3);
    });
    candidates += fromTfjs.length;
    const [meshesOnnx, meshesTfjs] = [await onnx.meshes(image, fromTfjs), await tfjs.meshes(image, fromTfjs)];
    meshesTfjs.forEach((m, k) => {
      const twin = meshesOnnx[k]!;
      expect(Math.abs(twin.presence - m.presence)).toBeLessThan(1e-4);
      m.mesh.forEach((p, n) => (worstMesh = Math.max(worstMesh, Math.abs(twin.mesh[n]!.x - p.x), Math.abs(twin.mesh[n]!.y - p.y))));
    });
  }
  console.log(`onnxruntime vs tfjs-wasm: ${candidates} candidates on 12 photos, mesh points within ${worstMesh.toExponential(2)} px`);
  expect(candidates).toBeGreaterThanOrEqual(30);
  expect(worstMesh).toBeLessThan(1e-3);
});

test('FaceBoxes: up to its NMS loop on onnxruntime, the same faces as the whole graph on tfjs', async () => {
  const [fromOnnx, fromTfjs] = await Promise.all([loadFaceboxes('onnx'), loadFaceboxes('tfjs')]);
  const [frame] = await framesOf(dataset('video', 'walking.mp4'), 200);
  let compared = 0;
  for (const image of [await pixels(dataset('photos', 'bbt1.jpg')), await pixels(dataset('photos', 'bbt4.jpg')), await pixelsOf(frame!)]) {
    const reference = (await fromTfjs.find(image)).filter((b) => b.score >= 0.5);
    const converted = await fromOnnx.find(image);
    expect(converted.filter((b) => b.score >= 0.5).length).toBe(reference.length);
    for (const box of reference) {
      // The two resize the picture to the graph's input each their own way: near, not identical.
      const twin = converted.sort((a, b) => iou(b.box, box.box) - iou(a.box, box.box))[0]!;
      expect(iou(twin.box, box.box)).toBeGreaterThan(0.9);
      expect(Math.abs(twin.score - box.score)).toBeLessThan(0.05);
      compared++;
    }
  }
  expect(compared).toBeGreaterThanOrEqual(12);
});
