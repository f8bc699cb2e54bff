import { headPoseFromMesh, type Point3 } from '../../src/geometry/head-pose';

// The four mesh points the pose reads, on an upright frontal face: ear to ear and forehead to chin.
const FRONTAL: Record<number, Point3> = {
  234: { x: -70, y: 0, z: 40 },
  454: { x: 70, y: 0, z: 40 },
  10: { x: 0, y: -90, z: 10 },
  152: { x: 0, y: 80, z: 10 },
};

const rotateY = (p: Point3, a: number): Point3 => ({ x: p.x * Math.cos(a) - p.z * Math.sin(a), y: p.y, z: p.x * Math.sin(a) + p.z * Math.cos(a) });
const rotateX = (p: Point3, a: number): Point3 => ({ x: p.x, y: p.y * Math.cos(a) + p.z * Math.sin(a), z: -p.y * Math.sin(a) + p.z * Math.cos(a) });
const rotateZ = (p: Point3, a: number): Point3 => ({ x: p.x * Math.cos(a) - p.y * Math.sin(a), y: p.x * Math.sin(a) + p.y * Math.cos(a), z: p.z });

function mesh(transform: (p: Point3) => Point3): Point3[] {
  const points: Point3[] = Array.from({ length: 478 }, () => ({ x: 0, y: 0, z: 0 }));
  for (const [index, p] of Object.entries(FRONTAL)) points[Number(index)] = transform(p);
  return points;
}

const rad = (deg: number) => (deg * Math.PI) / 180;

test('an upright frontal face has no yaw, pitch or roll', () => {
  const pose = headPoseFromMesh(mesh((p) => p));
  expect(pose.yaw).toBeCloseTo(0, 6);
  expect(pose.pitch).toBeCloseTo(0, 6);
  expect(pose.roll).toBeCloseTo(0, 6);
});

test.each([-40, -10, 25])('turning the head %i degrees (nose towards the image right is positive) is yaw', (deg) => {
  // The right ear moving away from the camera (z grows) turns the nose towards the image's right.
  const pose = headPoseFromMesh(mesh((p) => rotateY(p, rad(deg))));
  expect(pose.yaw).toBeCloseTo(deg, 6);
  expect(pose.pitch).toBeCloseTo(0, 6);
});

test.each([-20, 15])('tilting the chin forward/up %i degrees is pitch (looking up is positive)', (deg) => {
  // Looking up: the chin comes nearer the camera, the forehead goes back.
  const pose = headPoseFromMesh(mesh((p) => rotateX(p, rad(deg))));
  expect(pose.pitch).toBeCloseTo(deg, 6);
  expect(pose.yaw).toBeCloseTo(0, 6);
});

test('roll is the in-image tilt, clockwise positive, and does not leak into yaw', () => {
  const pose = headPoseFromMesh(mesh((p) => rotateZ(rotateY(p, rad(20)), rad(30))));
  expect(pose.roll).toBeCloseTo(30, 6);
  expect(pose.yaw).toBeCloseTo(20, 6);
});

test('a mirrored face flips yaw and roll', () => {
  const turned = mesh((p) => rotateZ(rotateY(p, rad(-20)), rad(10)));
  // Mirroring swaps which side is which: the mesh's image-left point is the mirror of its image-right one.
  const mirrored = turned.map((p) => ({ ...p, x: -p.x }));
  [mirrored[234], mirrored[454]] = [mirrored[454], mirrored[234]];
  const a = headPoseFromMesh(turned);
  const b = headPoseFromMesh(mirrored);
  expect(b.yaw).toBeCloseTo(-a.yaw, 6);
  expect(b.roll).toBeCloseTo(-a.roll, 6);
});
