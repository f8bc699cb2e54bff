// Gathering portraits, with a stand-in engine that records what it is asked: which faces get described,
// in how many calls, and what a failing engine leaves behind.
import sharp from 'sharp';
import type { FaceAnalyser } from '../../src/providers/provider';
import type { RgbImage } from '../../src/image/image-decoder';
import { PortraitCollector, THUMBNAIL_SIZE } from '../../src/video/portraits';

// A textured frame (sharp everywhere), 400x300, at detection size (scale 1).
const frame: RgbImage = (() => {
  const data = Buffer.alloc(400 * 300 * 3);
  let seed = 7;
  for (let i = 0; i < data.length; i++) data[i] = (seed = (seed * 1103515245 + 12345) % 2 ** 31) % 256;
  return { data, width: 400, height: 300 };
})();

/** A frontal face of `size` px with its box's top-left at x, y, in frame `n` (25 a second). */
const face = (n: number, x: number, y = 100, size = 100) => ({
  frame: n,
  time: n / 25,
  box: { x, y, width: size, height: size },
  fivePoints: {
    leftEye: { x: x + 0.3 * size, y: y + 0.4 * size },
    rightEye: { x: x + 0.7 * size, y: y + 0.4 * size },
    noseTip: { x: x + 0.5 * size, y: y + 0.55 * size },
    mouthLeft: { x: x + 0.35 * size, y: y + 0.75 * size },
    mouthRight: { x: x + 0.65 * size, y: y + 0.75 * size },
  },
  pose: { yaw: 0, pitch: 0, roll: 0 },
  portrait: undefined as undefined | { score: number; descriptor: number[]; thumbnail?: string },
});

function engine(fail = false) {
  const calls = { descriptors: [] as number[], warps: [] as number[] };
  const analyser = {
    descriptors: async (requests: unknown[]) => {
      calls.descriptors.push(requests.length);
      if (fail) throw new Error('the engine is gone');
      return requests.map((_, k) => [[k, 0, 0]]);
    },
    warps: async (requests: Array<{ squares: Array<{ size: number }> }>) => {
      calls.warps.push(requests.length);
      return requests.map((r) => r.squares.map(({ size }) => ({ data: Buffer.alloc(size * size * 3, 128), width: size, height: size })));
    },
  } as unknown as FaceAnalyser;
  return { analyser, calls };
}

test("a track's two best faces a second apart get descriptors, the best a thumbnail; the last tracks' are split over two engine calls", async () => {
  const { analyser, calls } = engine();
  const collector = new PortraitCollector(analyser);
  // Track a: frame 0 turned away (a lower score), frame 5 frontal, frame 35 frontal and 1.2 s after it.
  const a = [face(0, 50), face(5, 52), face(35, 60)];
  a[0]!.pose.yaw = 60;
  const b = [face(0, 250), face(2, 252)];
  for (const f of a) collector.offer('a', f, frame, 1);
  for (const f of b) collector.offer('b', f, frame, 1);
  collector.end('a');
  expect(calls.descriptors).toEqual([]); // waiting for more chips
  await collector.finish();
  expect(calls.descriptors).toEqual([2, 1]);
  expect(a.map((f) => f.portrait !== undefined)).toEqual([false, true, true]);
  // b's two faces are 0.08 s apart: one portrait.
  expect(b.filter((f) => f.portrait).length).toBe(1);
  const thumbnails = [...a, ...b].filter((f) => f.portrait?.thumbnail);
  expect(thumbnails).toHaveLength(2);
  const meta = await sharp(Buffer.from(thumbnails[0]!.portrait!.thumbnail!, 'base64')).metadata();
  expect([meta.format, meta.width, meta.height]).toEqual(['jpeg', THUMBNAIL_SIZE, THUMBNAIL_SIZE]);
});

test('a face the frame cuts (its box under 90 % inside) is never a portrait', async () => {
  const collector = new PortraitCollector(engine().analyser);
  const cut = face(0, 340); // 60 of 100 px inside
  const barely = face(10, 309); // 91 px inside
  collector.offer('a', cut, frame, 1);
  collector.offer('b', barely, frame, 1);
  await collector.finish();
  expect(cut.portrait).toBeUndefined();
  expect(barely.portrait).toBeDefined();
});

test('an engine that fails leaves the tracks without portraits, and the analysis goes on', async () => {
  const { analyser, calls } = engine(true);
  const collector = new PortraitCollector(analyser);
  const faces = [face(0, 50), face(0, 250)];
  collector.offer('a', faces[0]!, frame, 1);
  collector.offer('b', faces[1]!, frame, 1);
  await expect(collector.finish()).resolves.toBeUndefined();
  expect(calls.descriptors.length).toBeGreaterThan(0);
  expect(faces.map((f) => f.portrait)).toEqual([undefined, undefined]);
});

test('ended tracks wait until their portraits fill a call of 6 chips', async () => {
  const { analyser, calls } = engine();
  const collector = new PortraitCollector(analyser);
  for (const [k, track] of ['a', 'b', 'c', 'd'].entries()) {
    for (const n of [0, 30]) collector.offer(track, face(n, 20 + 90 * k, 100, 80), frame, 1);
  }
  collector.end('a');
  collector.end('b');
  expect(calls.descriptors).toEqual([]);
  collector.end('c');
  expect(calls.descriptors).toEqual([6]);
  await collector.finish();
  expect(calls.descriptors).toEqual([6, 2]);
  expect(calls.warps).toEqual([3, 1]);
});
