// Where a followed face's next mesh crop is cut and where its box goes, on synthetic meshes whose
// extent and pupils the test sets.
import { boxFromMesh, boxOnMesh, followingSeed } from '../../src/video/face-following';
import { LEFT_PUPIL_INDEX, MESH_POINTS, REFINED_MESH_POINTS, RIGHT_PUPIL_INDEX, type MeshPoint } from '../../src/providers/embedded/mediapipe/face-mesh';

/** A mesh whose 468 surface points span x..x+w, y..y+h (corners included), with the pupils given. */
function mesh(x: number, y: number, w: number, h: number, left = { x: x + 0.3 * w, y: y + 0.4 * h }, right = { x: x + 0.7 * w, y: y + 0.4 * h }): MeshPoint[] {
  const points = Array.from({ length: REFINED_MESH_POINTS }, (_, i): MeshPoint => {
    // Surface points inside the extent, the four corners first; iris points (468+) far outside, to show they do not count.
    if (i >= MESH_POINTS) return { x: x - 1000, y: y - 1000, z: 0 };
    const corner = [
      [0, 0],
      [1, 0],
      [0, 1],
      [1, 1],
    ][i];
    const [fx, fy] = corner ?? [((i * 7) % 97) / 97, ((i * 13) % 89) / 89];
    return { x: x + fx! * w, y: y + fy! * h, z: 0 };
  });
  points[LEFT_PUPIL_INDEX] = { ...left, z: 0 };
  points[RIGHT_PUPIL_INDEX] = { ...right, z: 0 };
  return points;
}

test("without a mesh before, the seed is the surface's extent at 0.95 about its centre, eyes at the pupils", () => {
  const seed = followingSeed(mesh(100, 200, 80, 100));
  expect(seed.box.x).toBeCloseTo(102, 9);
  expect(seed.box.y).toBeCloseTo(202.5, 9);
  expect(seed.box.width).toBeCloseTo(76, 9);
  expect(seed.box.height).toBeCloseTo(95, 9);
  expect(seed.leftEye).toMatchObject({ x: 124, y: 240 });
  expect(seed.rightEye).toMatchObject({ x: 156, y: 240 });
});

test('with the mesh before, the seed moves on as far again: centre, size and eyes at constant speed', () => {
  const before = mesh(100, 200, 80, 100);
  const last = mesh(110, 195, 88, 110, { x: 137, y: 240 }, { x: 173, y: 242 });
  const seed = followingSeed(last, before);
  const previous = followingSeed(before);
  const now = followingSeed(last);
  const centre = (b: { x: number; y: number; width: number; height: number }) => ({ x: b.x + b.width / 2, y: b.y + b.height / 2 });
  // Centre: now + (now - before); size: now x (now / before), 1.1 here.
  expect(centre(seed.box).x).toBeCloseTo(2 * centre(now.box).x - centre(previous.box).x, 9);
  expect(centre(seed.box).y).toBeCloseTo(2 * centre(now.box).y - centre(previous.box).y, 9);
  expect(seed.box.width).toBeCloseTo(now.box.width * 1.1, 9);
  expect(seed.box.height).toBeCloseTo(now.box.height * 1.1, 9);
  expect(seed.leftEye).toEqual({ x: 2 * 137 - 124, y: 240 });
  expect(seed.rightEye).toEqual({ x: 2 * 173 - 156, y: 2 * 242 - 240 });
});

test('a face that has not moved gets the same seed with or without the mesh before', () => {
  const still = mesh(10, 20, 50, 60);
  const [moved, plain] = [followingSeed(still, mesh(10, 20, 50, 60)), followingSeed(still)];
  expect(moved.box).toEqual(plain.box);
  expect(moved.leftEye).toMatchObject({ x: plain.leftEye.x, y: plain.leftEye.y });
  expect(moved.rightEye).toMatchObject({ x: plain.rightEye.x, y: plain.rightEye.y });
});

test("a box's place on a mesh carries over to the mesh moved and scaled, and boxFromMesh inverts boxOnMesh", () => {
  const box = { x: 110, y: 230, width: 60, height: 50 };
  const first = mesh(100, 200, 80, 100);
  const onMesh = boxOnMesh(box, first);
  const back = boxFromMesh(onMesh, first);
  (['x', 'y', 'width', 'height'] as const).forEach((k) => expect(back[k]).toBeCloseTo(box[k], 9));
  // The same mesh twice the size and elsewhere: the box follows exactly.
  const moved = boxFromMesh(onMesh, mesh(300, 100, 160, 200));
  expect(moved.x).toBeCloseTo(300 + 2 * (110 - 100), 9);
  expect(moved.y).toBeCloseTo(100 + 2 * (230 - 200), 9);
  expect(moved.width).toBeCloseTo(120, 9);
  expect(moved.height).toBeCloseTo(100, 9);
});

test('the place is measured from the surface points: their mean and spread, not the iris points', () => {
  const m = mesh(0, 0, 100, 100);
  const surface = m.slice(0, MESH_POINTS);
  const cx = surface.reduce((s, p) => s + p.x, 0) / surface.length;
  const cy = surface.reduce((s, p) => s + p.y, 0) / surface.length;
  const spread = Math.sqrt(surface.reduce((s, p) => s + (p.x - cx) ** 2 + (p.y - cy) ** 2, 0) / surface.length);
  expect(boxOnMesh({ x: cx, y: cy, width: spread, height: 2 * spread }, m)).toEqual({ x: 0, y: 0, width: 1, height: 2 });
});
