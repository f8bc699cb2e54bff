// Scene cuts on synthetic frames whose difference the test sets: none, a person-sized part, everything.
import { isSceneCut, thumbnail } from '../../src/video/scene-cut';

const frame = (width: number, height: number, grey: (x: number, y: number) => number) => {
  const data = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data.fill(grey(x, y), 3 * (y * width + x), 3 * (y * width + x) + 3);
  return { data, width, height };
};
const gradient = frame(320, 180, (x, y) => (x + y) % 256);

test('the same frame is no cut; a thumbnail of a flat frame is that grey everywhere', () => {
  expect(isSceneCut(thumbnail(gradient), thumbnail(gradient))).toBe(false);
  expect([...new Set(thumbnail(frame(64, 36, () => 90)))]).toEqual([90]);
});

test('a large change over a third of the frame (someone walking in) is no cut', () => {
  const walkedIn = frame(320, 180, (x, y) => (x < 110 ? 255 - ((x + y) % 256) : (x + y) % 256));
  expect(isSceneCut(thumbnail(gradient), thumbnail(walkedIn))).toBe(false);
});

test('a change over most of the frame by more than the threshold is a cut; by less, it is not', () => {
  const inverted = frame(320, 180, (x, y) => 255 - ((x + y) % 256));
  expect(isSceneCut(thumbnail(gradient), thumbnail(inverted))).toBe(true);
  const flat = (grey: number) => thumbnail(frame(64, 36, () => grey));
  expect(isSceneCut(flat(100), flat(131))).toBe(true);
  expect(isSceneCut(flat(100), flat(129))).toBe(false);
});

test('a change of exactly the threshold is no cut: the median must exceed it', () => {
  const flat = (grey: number) => thumbnail(frame(64, 36, () => grey));
  expect(isSceneCut(flat(100), flat(130))).toBe(false);
  expect(isSceneCut(flat(100), flat(130), 29.5)).toBe(true);
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
    const image = frame(width, height, (x, y) => cellGrey(Math.floor((x * 32) / width), Math.floor((y * 18) / height)));
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
