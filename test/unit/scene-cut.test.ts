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
