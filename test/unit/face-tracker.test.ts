// Track identity from boxes alone, on scripted motion whose true identities the test knows.
import type { Box } from '../../src/geometry/geometry';
import { FaceTracker } from '../../src/video/face-tracker';

const box = (x: number, y: number, size = 100): Box => ({ x, y, width: size, height: size });
const tracker = () => new FaceTracker({ minIou: 0.3, maxMissedFrames: 2 });

test('two faces moving slowly keep their ids, whatever order the detector lists them in', () => {
  const t = tracker();
  expect(t.update([box(0, 0), box(500, 0)])).toEqual(['1', '2']);
  expect(t.update([box(510, 5), box(10, 5)])).toEqual(['2', '1']);
  expect(t.update([box(20, 10), box(520, 10)])).toEqual(['1', '2']);
});

test('a face that appears starts a new track; ids are never reused', () => {
  const t = tracker();
  expect(t.update([box(0, 0)])).toEqual(['1']);
  expect(t.update([box(0, 0), box(300, 300)])).toEqual(['1', '2']);
  expect(t.update([box(300, 300)])).toEqual(['2']);
  for (let i = 0; i < 3; i++) t.update([box(300, 300)]);
  expect(t.update([box(0, 0), box(300, 300)])).toEqual(['3', '2']);
});

test('a face missed for up to maxMissedFrames frames keeps its id; one frame more ends its track', () => {
  const kept = tracker();
  kept.update([box(0, 0)]);
  kept.update([]);
  kept.update([]);
  expect(kept.update([box(0, 0)])).toEqual(['1']);

  const ended = tracker();
  ended.update([box(0, 0)]);
  for (let i = 0; i < 3; i++) ended.update([]);
  expect(ended.update([box(0, 0)])).toEqual(['2']);
});

test('a face that speeds up is followed where it is expected, past where its last box would overlap', () => {
  const t = tracker();
  // Steps of 30, 60, 80 and 100 px: each new box overlaps the last one by IoU < 0.3 from the second step on.
  const ids = [0, 30, 90, 170, 270].map((x) => t.update([box(x, 0)])[0]);
  expect(ids).toEqual(['1', '1', '1', '1', '1']);
});

test('without a known motion, the same step is a new face', () => {
  const t = tracker();
  t.update([box(30, 0)]);
  expect(t.update([box(90, 0)])).toEqual(['2']);
});

test('the expected place moves on through missed frames', () => {
  const t = tracker();
  t.update([box(0, 0)]);
  t.update([box(30, 0)]);
  t.update([]); // expected at 60
  expect(t.update([box(90, 0)])).toEqual(['1']);
});

test('two boxes over one track: the better overlap continues it, the other starts a track', () => {
  const t = tracker();
  t.update([box(0, 0)]);
  expect(t.update([box(40, 0), box(10, 0)])).toEqual(['2', '1']);
});

test('below the minimum overlap a face is a new one', () => {
  const t = tracker();
  t.update([box(0, 0)]);
  // IoU of boxes 100 wide shifted by 54: 46 / 154 = 0.2987 (< 0.3); by 53: 47 / 153 = 0.307.
  expect(t.update([box(54, 0)])).toEqual(['2']);
  const u = tracker();
  u.update([box(0, 0)]);
  expect(u.update([box(53, 0)])).toEqual(['1']);
});

test('a scene cut ends every track', () => {
  const t = tracker();
  t.update([box(0, 0), box(500, 0)]);
  t.cut();
  expect(t.update([box(0, 0), box(500, 0)])).toEqual(['3', '4']);
});

test('an overlap of exactly the minimum continues the track', () => {
  const t = tracker();
  // 10x1 and 3x1 boxes, the small one inside the large: IoU 3 / 10.
  t.update([{ x: 0, y: 0, width: 10, height: 1 }]);
  expect(t.update([{ x: 7, y: 0, width: 3, height: 1 }])).toEqual(['1']);
});

test('one box over two tracks: the track it overlaps more continues, the other does not take it too', () => {
  const t = tracker();
  t.update([box(0, 0), box(40, 0)]);
  expect(t.update([box(10, 0)])).toEqual(['1']);
  // The other track is still open (missed one frame): its face comes back to it.
  expect(t.update([box(10, 0), box(40, 0)])).toEqual(['1', '2']);
});

test('vertical motion is followed the same way', () => {
  const t = tracker();
  const ids = [0, 30, 90, 170].map((y) => t.update([box(0, y)])[0]);
  expect(ids).toEqual(['1', '1', '1', '1']);
});

test('a hinted box continues its hinted track even when it overlaps another track more', () => {
  const t = tracker();
  t.update([box(0, 0), box(40, 0)]);
  // Followed from track 2, though it sits on track 1's box; the other box then takes track 1.
  expect(t.update([box(0, 0), box(40, 0)], ['2'])).toEqual(['2', '1']);
});

test('a hint naming a track that has ended, or none, falls back to overlap', () => {
  const t = tracker();
  t.update([box(0, 0)]);
  for (let i = 0; i < 3; i++) t.update([]);
  expect(t.update([box(0, 0)], ['1'])).toEqual(['2']);
  expect(t.update([box(500, 0), box(0, 0)], ['9', undefined])).toEqual(['3', '2']);
});

test('a face missed after one jerky step is found again where it was last seen, though its motion points elsewhere', () => {
  const t = tracker();
  t.update([box(0, 0)]);
  t.update([box(45, 0)]); // a motion of 45 px a frame: expected at 135 after two missed frames
  t.update([]);
  t.update([]);
  expect(t.update([box(50, 0)])).toEqual(['1']);
});

test('openIds: the tracks a later frame may continue; a track missed one frame past maxMissedFrames, or cut, is gone from it', () => {
  const t = tracker();
  expect(t.openIds()).toEqual(new Set());
  t.update([box(0, 0), box(500, 0)]);
  expect(t.openIds()).toEqual(new Set(['1', '2']));
  t.update([box(0, 0)]);
  t.update([box(0, 0)]);
  expect(t.openIds()).toEqual(new Set(['1', '2'])); // track 2 missed twice: maxMissedFrames
  // Open means the next frame can continue it: track 2 here still can.
  expect(t.update([box(0, 0), box(500, 0)])).toEqual(['1', '2']);
  for (let i = 0; i < 3; i++) t.update([box(0, 0)]);
  expect(t.openIds()).toEqual(new Set(['1'])); // track 2 missed three times
  expect(t.update([box(0, 0), box(500, 0)])).toEqual(['1', '3']);
  t.cut();
  expect(t.openIds()).toEqual(new Set());
});

test('after missed frames, the motion is measured per frame: a face found two frames on continues at that pace', () => {
  // 40 px boxes: a step of 20 overlaps (IoU 0.33), a step of 30 from the last box does not.
  const t = tracker();
  const at = (x: number) => box(x, 0, 40);
  const [id] = t.update([at(0)]);
  expect(t.update([at(20)])).toEqual([id]);
  expect(t.update([at(40)])).toEqual([id]); // 20 px a frame
  t.update([]); // missed once: expected at 80 now (40 + 2 x 20), not at 50 (40 + 20 / 2)
  expect(t.update([at(100)])).toEqual([id]); // 60 px over two frames: 30 a frame
  expect(t.update([at(130)])).toEqual([id]); // so next at 130; 60 px a frame (x steps) would expect it at 220
});

test("a box's motion is its centre's, also when its size changes", () => {
  // A wide box, then a small one at its right end: the centre moved 30 px right (50 -> 80), the left edge 60.
  const t = tracker();
  const [id] = t.update([{ x: 0, y: 0, width: 100, height: 40 }]);
  expect(t.update([{ x: 60, y: 0, width: 40, height: 40 }])).toEqual([id]);
  // 30 px on, past any overlap with the last box (IoU 0.14): only the centre's motion finds it.
  expect(t.update([{ x: 90, y: 0, width: 40, height: 40 }])).toEqual([id]);
  // The same downwards.
  const [down] = t.update([{ x: 500, y: 0, width: 40, height: 100 }]);
  expect(t.update([{ x: 500, y: 60, width: 40, height: 40 }])).toEqual([down]);
  expect(t.update([{ x: 500, y: 90, width: 40, height: 40 }])).toEqual([down]);
});
