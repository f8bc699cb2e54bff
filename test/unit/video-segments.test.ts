// Segment planning and joining, on tracks the test writes: who continues whom across a boundary.
import type { Box } from '../../src/geometry/geometry';
import { decodedSize, frameIndex } from '../../src/video/video-decoder';
import { joinSegments, MAX_SEGMENT_SECONDS, MIN_SEGMENT_SECONDS, progressFraction, segmentStarts } from '../../src/video/video-segments';

type Face = { frame: number; box: Box; from: string };
const box = (x: number, size = 100): Box => ({ x, y: 0, width: size, height: size });
/** A track of `segment` with faces at the given frames, its box moving 10 px a frame from `x0`. */
const track = (segment: string, id: string, frames: number[], x0: number) => ({
  id,
  faces: frames.map((frame): Face => ({ frame, box: box(x0 + 10 * (frame - frames[0]!)), from: `${segment}/${id}` })),
});
const range = (a: number, b: number) => Array.from({ length: b - a + 1 }, (_, i) => a + i);

test('one segment per worker while each stays at least MIN_SEGMENT_SECONDS long; more when they would pass MAX_SEGMENT_SECONDS', () => {
  expect(MIN_SEGMENT_SECONDS).toBe(2);
  expect(MAX_SEGMENT_SECONDS).toBe(30);
  expect(segmentStarts(0, 4.2, 2)).toEqual([0, 2.1]);
  expect(segmentStarts(1, 3.9, 2)).toEqual([1]); // two would be under 2 s each
  expect(segmentStarts(0, 1, 4)).toEqual([0]);
  expect(segmentStarts(0, 12, 4)).toEqual([0, 3, 6, 9]);
  expect(segmentStarts(0, 8, 8)).toEqual([0, 2, 4, 6]);
  // Ten minutes on two workers: 20 segments of 30 s.
  const long = segmentStarts(0, 600, 2);
  expect(long).toHaveLength(20);
  expect(long[1]).toBe(30);
  expect(segmentStarts(0, 61, 1)).toHaveLength(3);
});

test('a frame index is the place of its time among the stream frame times, the nearest one when times differ a little', () => {
  const times = [0, 0.04, 0.08, 0.12, 0.2];
  expect(times.map((t) => frameIndex(times, t))).toEqual([0, 1, 2, 3, 4]);
  expect(frameIndex(times, 0.0799)).toBe(2);
  expect(frameIndex(times, 0.0801)).toBe(2);
  expect(frameIndex(times, 0.17)).toBe(4);
  expect(frameIndex(times, 0.15)).toBe(3);
  expect(frameIndex(times, 9)).toBe(4);
  expect(frameIndex(times, -1)).toBe(0);
});

test('a face across a boundary keeps one track: the boundary frame once, from the later segment', () => {
  const first = [track('A', '1', range(0, 10), 0)];
  const second = [track('B', '1', range(10, 20), 100)];
  const [joined, ...rest] = joinSegments([first, second]);
  expect(rest).toEqual([]);
  expect(joined!.id).toBe('1');
  expect(joined!.faces.map((f) => f.frame)).toEqual(range(0, 20));
  expect(joined!.faces.find((f) => f.frame === 10)!.from).toBe('B/1');
  expect(joined!.faces.find((f) => f.frame === 9)!.from).toBe('A/1');
});

test('two faces across a boundary continue by overlap, whatever order the next segment found them in', () => {
  const first = [track('A', '1', range(0, 5), 0), track('A', '2', range(0, 5), 500)];
  // B found the right-hand face first; a face that starts later in B is new.
  const second = [track('B', '1', range(5, 9), 550), track('B', '2', range(5, 9), 50), track('B', '3', range(7, 9), 900)];
  const joined = joinSegments([first, second]);
  const byOrigin = (origin: string) => joined.find((t) => t.faces.some((f) => f.from === origin))!;
  expect(byOrigin('A/1')).toBe(byOrigin('B/2'));
  expect(byOrigin('A/2')).toBe(byOrigin('B/1'));
  expect(byOrigin('B/3')).not.toBe(byOrigin('A/1'));
  expect(joined.map((t) => [t.id, t.faces.length])).toEqual([
    ['1', 10],
    ['2', 10],
    ['3', 3],
  ]);
});

test('under the overlap a face in the next segment is a new track; a track that ended before the boundary is not continued', () => {
  // A's last box is at x = 40; B's first 54 px on: IoU 0.2987, under 0.3. 53 px on: 0.307.
  const near = joinSegments([[track('A', '1', range(0, 4), 0)], [track('B', '1', range(4, 8), 94)]]);
  expect(near).toHaveLength(2);
  expect(joinSegments([[track('A', '1', range(0, 4), 0)], [track('B', '1', range(4, 8), 93)]])).toHaveLength(1);
  expect(near[0]!.faces.map((f) => f.frame)).toEqual(range(0, 4));
  const ended = joinSegments([[track('A', '1', range(0, 2), 0), track('A', '2', range(0, 4), 400)], [track('B', '1', range(4, 6), 20)]]);
  expect(ended.map((t) => t.faces[0]!.from)).toEqual(['A/1', 'A/2', 'B/1']);
});

test('one face of the earlier segment continues at most one track of the next (the better overlap)', () => {
  // A's last box is at x = 30: B/2 (at 10) overlaps it less than B/1 (at 40).
  const joined = joinSegments([[track('A', '1', range(0, 3), 0)], [track('B', '2', range(3, 5), 10), track('B', '1', range(3, 5), 40)]]);
  const continued = joined.find((t) => t.faces[0]!.from === 'A/1')!;
  expect(continued.faces.filter((f) => f.frame >= 3).map((f) => f.from)).toEqual(['B/1', 'B/1', 'B/1']);
  expect(joined).toHaveLength(2);
});

test('three segments chain; an empty one in the middle breaks the chain', () => {
  const chained = joinSegments([[track('A', '1', range(0, 3), 0)], [track('B', '1', range(3, 6), 30)], [track('C', '1', range(6, 9), 60)]]);
  expect(chained).toHaveLength(1);
  expect(chained[0]!.faces.map((f) => f.frame)).toEqual(range(0, 9));
  const broken = joinSegments([[track('A', '1', range(0, 3), 0)], [], [track('C', '1', range(6, 9), 30)]]);
  expect(broken).toHaveLength(2);
});

test('ids are renumbered in order of first frame across the clip', () => {
  const joined = joinSegments([
    [track('A', '7', range(2, 4), 0), track('A', '3', range(0, 1), 600)],
    [track('B', '1', range(5, 6), 900), track('B', '2', range(4, 6), 20)],
  ]);
  expect(joined.map((t) => [t.id, t.faces[0]!.frame])).toEqual([
    ['1', 0],
    ['2', 2],
    ['3', 5],
  ]);
});

describe('progressFraction', () => {
  test('with a declared duration: the seconds analysed of it, whatever the bytes say', () => {
    expect(progressFraction({ durationSeconds: 20 }, 5, 900, 1000)).toBe(0.25);
    expect(progressFraction({ durationSeconds: 20 }, 0, 900, 1000)).toBe(0);
  });

  test('without one: the share of the file the decoder has read', () => {
    expect(progressFraction({ durationSeconds: 0 }, 5, 250, 1000)).toBe(0.25);
    expect(progressFraction({ durationSeconds: 0 }, 5, 1, 4)).toBe(0.25);
  });

  test('no position known, or an empty file: 0', () => {
    expect(progressFraction({ durationSeconds: 0 }, 5, -1, 1000)).toBe(0);
    expect(progressFraction({ durationSeconds: 0 }, 5, 0, 1000)).toBe(0);
    expect(progressFraction({ durationSeconds: 0 }, 5, 10, 0)).toBe(0);
  });

  test('never 1 before the job has ended, even past the declared end or the last byte', () => {
    expect(progressFraction({ durationSeconds: 20 }, 20, 0, 0)).toBe(0.999);
    expect(progressFraction({ durationSeconds: 20 }, 25, 0, 0)).toBe(0.999);
    expect(progressFraction({ durationSeconds: 0 }, 0, 1000, 1000)).toBe(0.999);
    expect(progressFraction({ durationSeconds: 20 }, 19.9, 0, 0)).toBeCloseTo(0.995, 10);
  });
});

test('frames are decoded at the detection size: the longer side at most maxSide, the shape kept, and the scale back', () => {
  expect(decodedSize(1920, 1080, 1280)).toEqual({ width: 1280, height: 720, scale: 1.5 });
  expect(decodedSize(1080, 1920, 1280)).toEqual({ width: 720, height: 1280, scale: 1.5 });
  expect(decodedSize(1280, 720, 1280)).toEqual({ width: 1280, height: 720, scale: 1 });
  expect(decodedSize(640, 360)).toEqual({ width: 640, height: 360, scale: 1 });
  // Sides rounded to whole pixels; the scale is the widths' ratio, as for photos.
  expect(decodedSize(1001, 999, 500)).toEqual({ width: 500, height: 499, scale: 1001 / 500 });
  expect(decodedSize(4000, 3, 1000)).toEqual({ width: 1000, height: 1, scale: 4 });
});
