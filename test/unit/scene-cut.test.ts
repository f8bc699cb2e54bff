// Scene cuts on synthetic frames whose relation the test sets: the same scene moved, lit otherwise,
// covered in part, or another scene; the thumbnails read back exactly.
import { continuity, detail, MIN_DETAIL, SAME_SHOT, SceneCuts, thumbnail } from '../../src/video/scene-cut';

const [WIDTH, HEIGHT] = [320, 180]; // a thumbnail cell is 10x10 pixels

type Grey = (x: number, y: number) => number;
const frame = (grey: Grey, width = WIDTH, height = HEIGHT) => {
  const data = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) data.fill(Math.max(0, Math.min(255, Math.round(grey(x, y)))), 3 * (y * width + x), 3 * (y * width + x) + 3);
  return { data, width, height };
};

/** A scene: smooth random light and dark (value noise on a 15-pixel lattice), the same for a seed. */
function scene(seed: number): Grey {
  let state = seed;
  const random = () => ((state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * 255;
  const lattice = Array.from({ length: 60 }, () => Array.from({ length: 60 }, random));
  return (x, y) => {
    const [gx, gy] = [x / 15, y / 15];
    const [i, j] = [Math.floor(gx), Math.floor(gy)];
    const [fx, fy] = [gx - i, gy - j];
    const at = (a: number, b: number) => lattice[b]![a]!;
    return (at(i, j) * (1 - fx) + at(i + 1, j) * fx) * (1 - fy) + (at(i, j + 1) * (1 - fx) + at(i + 1, j + 1) * fx) * fy;
  };
}
const [A, B] = [scene(7), scene(99)];
/** The scene as a dim shot shows it: a fifth of its light over a dark floor, both shots alike in colour. */
const dim =
  (grey: Grey): Grey =>
  (x, y) =>
    12 + grey(x, y) / 5;
const moved =
  (grey: Grey, dx: number, dy = 0): Grey =>
  (x, y) =>
    grey(x + 100 + dx, y + 100 + dy);
const thumb = (grey: Grey) => thumbnail(frame(grey));
/** The frames (as thumbnails) at which a SceneCuts sees a new shot. */
const cutsIn = (frames: Grey[]) => {
  const cuts = new SceneCuts();
  return frames.flatMap((grey, k) => (cuts.next(thumb(grey)) ? [k] : []));
};

test('a frame continues itself fully, and its inverse not at all; brightness and contrast do not count', () => {
  expect(continuity(thumb(A), thumb(A))).toBeCloseTo(1, 6);
  expect(
    continuity(
      thumb(A),
      thumb((x, y) => 40 + A(x, y) / 2),
    ),
  ).toBeCloseTo(1, 4); // pixels are whole grey levels
  const inverse = thumb((x, y) => 255 - A(x, y));
  // Unshifted the inverse correlates -1; a pan's shifts find it no better than unrelated.
  expect(continuity(thumb(A), inverse)).toBeLessThan(0.3);
});

test('a hard cut between two dim shots of the same colour is a cut (their grey levels differ by 6 at the median)', () => {
  const [dimA, dimB] = [thumb(dim(A)), thumb(dim(B))];
  const changes = Array.from(dimA, (v, i) => Math.abs(v - dimB[i]!)).sort((a, b) => a - b);
  expect(changes[changes.length / 2]).toBeLessThan(12);
  expect(continuity(dimA, dimB)).toBeLessThan(0.3);
  expect(cutsIn([dim(A), dim(A), dim(B), dim(B)])).toEqual([2]);
  expect(cutsIn([A, B, A])).toEqual([1, 2]);
});

test('a camera flash is no cut: a frame washed out over most of its area, or white all over', () => {
  const washed: Grey = (x, y) => A(x, y) + 160;
  expect(cutsIn([A, washed, A])).toEqual([]);
  expect(cutsIn([A, () => 255, A])).toEqual([]);
});

test('a fade out and back in on the same shot is no cut; a fade through black to another shot is one, where it appears', () => {
  const faded =
    (grey: Grey, k: number): Grey =>
    (x, y) =>
      (grey(x, y) * k) / 10;
  const fades = [10, 7, 4, 1, 0, 1, 4, 7, 10];
  expect(cutsIn(fades.map((k) => faded(A, k)))).toEqual([]);
  expect(cutsIn(fades.map((k, i) => faded(i < 4 ? A : B, k)))).toEqual([5]);
});

test('a pan of up to 3 cells a frame (a tenth of the frame) is no cut; a jump of 8 is one', () => {
  expect(cutsIn([0, 1, 2, 3, 4].map((k) => moved(A, 30 * k, 10 * k)))).toEqual([]);
  expect(cutsIn([0, 1, 2].map((k) => moved(A, -30 * k, -20 * k)))).toEqual([]);
  expect(cutsIn([moved(A, 0), moved(A, 80)])).toEqual([1]);
});

test('someone walking in front of the camera, a third of the frame dark, is no cut', () => {
  const passerby: Grey = (x, y) => (x < 110 ? 20 : A(x, y));
  expect(continuity(thumb(A), thumb(passerby))).toBeGreaterThan(SAME_SHOT);
  expect(cutsIn([A, passerby, A])).toEqual([]);
});

test('a frame without detail starts no shot and is never compared with', () => {
  // Two halves of grey levels 100 - s and 100 + s spread by s.
  const faint =
    (spread: number): Grey =>
    (x) =>
      100 + (x < WIDTH / 2 ? -spread : spread);
  expect(detail(thumb(faint(1)))).toBeCloseTo(1, 6);
  expect(detail(thumb(faint(2)))).toBeCloseTo(MIN_DETAIL, 6);
  // A faint frame of another pattern: skipped under the floor, a cut at it and after it from the floor up.
  expect(cutsIn([A, faint(1), A])).toEqual([]);
  expect(cutsIn([A, faint(2), A])).toEqual([1, 2]);
  expect(cutsIn([() => 100, A])).toEqual([]);
});

test('the same frame is no cut; a thumbnail of a flat frame is that grey everywhere', () => {
  expect(cutsIn([A, A])).toEqual([]);
  expect([...new Set(thumbnail(frame(() => 90, 64, 36)))]).toEqual([90]);
});

test("each thumbnail cell is the mean of its own part of the frame, in the rows' order, for any frame size", () => {
  // Every cell of the 32x18 grid a flat grey of its own: the thumbnail must read each back exactly.
  const cellGrey = (column: number, row: number) => (column * 7 + row * 13) % 256;
  for (const [width, height] of [
    [320, 180],
    [640, 360],
    [96, 54],
    [64, 36],
  ] as const) {
    const image = frame((x, y) => cellGrey(Math.floor((x * 32) / width), Math.floor((y * 18) / height)), width, height);
    const expected = Array.from({ length: 32 * 18 }, (_, k) => cellGrey(k % 32, Math.floor(k / 32)));
    expect([...thumbnail(image)]).toEqual(expected);
  }
});

test('a thumbnail weighs the channels as luma does (0.299 R, 0.587 G, 0.114 B)', () => {
  const [r, g, b] = [200, 100, 50];
  const data = Buffer.alloc(64 * 36 * 3);
  for (let i = 0; i < data.length; i += 3) data.set([r, g, b], i);
  const grey = 0.299 * r + 0.587 * g + 0.114 * b;
  for (const cell of thumbnail({ data, width: 64, height: 36 })) expect(cell).toBeCloseTo(grey, 3);
});
