// Composition plans on meshes made by known transforms, checked against what those transforms imply:
// the placement's definition, shapes kept up to a similarity, halfway morphs, and a warp that is one
// similarity per face when the faces differ by similarities only.
import type { Point } from '../../src/geometry/geometry';
import type { Point3 } from '../../src/geometry/head-pose';
import { BORDER_POINTS_PER_SIDE, MESH_OUTLINE, MESH_TRIANGLES, planComposition, SURFACE_POINTS } from '../../src/geometry/composition-plan';
import { ibug68FromMesh } from '../../src/geometry/mesh-to-ibug68';
import { triangleMap } from '../../src/geometry/piecewise-affine';
import { applySimilarity, fitSimilarity } from '../../src/geometry/similarity';

// MediaPipe's FACEMESH_FACE_OVAL as it publishes it, in order around the face.
const FACE_OVAL = [
  10, 338, 297, 332, 284, 251, 389, 356, 454, 323, 361, 288, 397, 365, 379, 378, 400, 377, 152, 148, 176, 149, 150, 136, 172, 58, 132, 93, 234, 127, 162, 21,
  54, 103, 67, 109,
];

const EYE_CONTOURS = {
  imageLeft: [33, 7, 163, 144, 145, 153, 154, 155, 133, 173, 157, 158, 159, 160, 161, 246],
  imageRight: [263, 249, 390, 373, 374, 380, 381, 382, 362, 398, 384, 385, 386, 387, 388, 466],
};

/**
 * A face-sized stand-in for a mesh: the oval's points in order around an upright ellipse, every other
 * point at a fixed pseudo-random place inside it (a linear congruential sequence: the same every run).
 */
function cloud(seed: number): Point3[] {
  let state = seed;
  const next = () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state / 2 ** 31;
  };
  const points = Array.from({ length: 478 }, () => {
    const angle = next() * 2 * Math.PI;
    const r = 0.85 * Math.sqrt(next());
    return { x: 200 + 60 * r * Math.cos(angle), y: 150 + 80 * r * Math.sin(angle), z: 30 * (next() - 0.5) };
  });
  FACE_OVAL.forEach((index, k) => {
    const angle = -Math.PI / 2 + (2 * Math.PI * k) / FACE_OVAL.length;
    points[index] = { x: 200 + 60 * Math.cos(angle), y: 150 + 80 * Math.sin(angle), z: 0 };
  });
  // The eyes' contours (MediaPipe's FACEMESH_LEFT_EYE and _RIGHT_EYE) as small ellipses, 50 apart.
  [EYE_CONTOURS.imageLeft, EYE_CONTOURS.imageRight].forEach((contour, side) =>
    contour.forEach((index, k) => {
      const angle = (2 * Math.PI * k) / contour.length;
      points[index] = { x: 175 + 50 * side + 12 * Math.cos(angle), y: 125 + 5 * Math.sin(angle), z: 0 };
    }),
  );
  return points;
}

/** The mesh turned by `angle` about 0, 0, scaled and moved; depth scales too. */
const moved = (mesh: readonly Point3[], angle: number, scale: number, dx: number, dy: number) =>
  mesh.map((p) => ({
    x: scale * (p.x * Math.cos(angle) - p.y * Math.sin(angle)) + dx,
    y: scale * (p.x * Math.sin(angle) + p.y * Math.cos(angle)) + dy,
    z: scale * p.z,
  }));

/** Root-mean-square distance of `a` from `b` once `a` is moved onto `b` by the best similarity, relative to b's size. */
function shapeDistance(a: readonly Point[], b: readonly Point[]): number {
  const t = fitSimilarity(a, b);
  const cx = b.reduce((s, p) => s + p.x, 0) / b.length;
  const cy = b.reduce((s, p) => s + p.y, 0) / b.length;
  const size = Math.sqrt(b.reduce((s, p) => s + (p.x - cx) ** 2 + (p.y - cy) ** 2, 0) / b.length);
  const residual = Math.sqrt(a.reduce((s, p, k) => s + (applySimilarity(t, p).x - b[k]!.x) ** 2 + (applySimilarity(t, p).y - b[k]!.y) ** 2, 0) / a.length);
  return residual / size;
}

const eyeCentres = (mesh: readonly Point3[]) => {
  const points = ibug68FromMesh(mesh);
  const mean = (from: number) => ({
    x: points.slice(from, from + 6).reduce((s, p) => s + p.x, 0) / 6,
    y: points.slice(from, from + 6).reduce((s, p) => s + p.y, 0) / 6,
  });
  return [mean(36), mean(42)] as const;
};

const FACE = cloud(7);
const OTHER = cloud(99);

test('the composed face sits where the docs say: eyes level, 0.3 of the width apart, their midpoint on the centre line at 0.4 of the height', () => {
  for (const [width, height] of [
    [512, 512],
    [300, 640],
  ]) {
    const plan = planComposition([FACE, OTHER], [0.5, 0.5], width!, height!);
    const [left, right] = eyeCentres(plan.mesh);
    // Pixel-index coordinates: the picture spans -0.5 to width - 0.5.
    expect(left.y).toBeCloseTo(0.4 * height! - 0.5, 6);
    expect(right.y).toBeCloseTo(0.4 * height! - 0.5, 6);
    expect((left.x + right.x) / 2).toBeCloseTo((width! - 1) / 2, 6);
    expect(right.x - left.x).toBeCloseTo(0.3 * width!, 6);
  }
});

test("copies of one face under similarities average to that face, and each warp is that copy's similarity throughout", () => {
  const copies = [FACE, moved(FACE, 0.3, 1.6, 40, -20), moved(FACE, -0.5, 0.7, 300, 90)];
  const plan = planComposition(copies, [1 / 3, 1 / 3, 1 / 3], 400, 400);
  expect(plan.mesh).toHaveLength(478);
  expect(shapeDistance(plan.mesh, FACE)).toBeLessThan(1e-9);
  // Depth follows the plane's scale: the face's depth, scaled as its plane was.
  const scale = Math.hypot(fitSimilarity(FACE, plan.mesh).a.x, fitSimilarity(FACE, plan.mesh).a.y);
  plan.mesh.forEach((p, k) => expect(p.z).toBeCloseTo(FACE[k]!.z * scale, 6));
  plan.sources.forEach((source, i) => {
    expect(source).toHaveLength(SURFACE_POINTS + 4 * BORDER_POINTS_PER_SIDE);
    // The face's own surface points, as given.
    source.slice(0, SURFACE_POINTS).forEach((p, k) => {
      expect(p.x).toBe(copies[i]![k]!.x);
      expect(p.y).toBe(copies[i]![k]!.y);
    });
    // One similarity takes the output's vertices, border included, onto this face's.
    const toFace = fitSimilarity(plan.target.slice(0, SURFACE_POINTS), source.slice(0, SURFACE_POINTS));
    plan.target.forEach((p, k) => {
      const expected = applySimilarity(toFace, p);
      expect(source[k]!.x).toBeCloseTo(expected.x, 6);
      expect(source[k]!.y).toBeCloseTo(expected.y, 6);
    });
  });
});

test('target: the surface points of the mesh, then the border; the triangles cover every output pixel', () => {
  const plan = planComposition([FACE, OTHER], [0.5, 0.5], 96, 80);
  expect(plan.target).toHaveLength(SURFACE_POINTS + 16);
  plan.target.slice(0, SURFACE_POINTS).forEach((p, k) => expect(p).toEqual({ x: plan.mesh[k]!.x, y: plan.mesh[k]!.y }));
  expect(plan.target.slice(SURFACE_POINTS).every((p) => p.x === -0.5 || p.x === 95.5 || p.y === -0.5 || p.y === 79.5)).toBe(true);
  expect(Array.from(triangleMap(plan.target, plan.triangles, 96, 80)).filter((t) => t < 0)).toHaveLength(0);
  expect([plan.width, plan.height]).toEqual([96, 80]);
});

test("a morph at 0 and 1 gives each face's shape, at 0.5 the shape halfway, and past the ends it extrapolates", () => {
  // A second face: the first with its lower half stretched down (a shape change no similarity undoes).
  const stretched = FACE.map((p) => (p.y > 150 ? { ...p, y: 150 + 1.3 * (p.y - 150) } : p));
  const other = moved(stretched, 0.2, 1.2, 50, 10);
  const at = (t: number) => planComposition([FACE, other], [1 - t, t], 256, 256).mesh;
  expect(shapeDistance(at(0), FACE)).toBeLessThan(1e-9);
  expect(shapeDistance(at(1), other)).toBeLessThan(1e-9);
  const whole = shapeDistance(at(0), at(1));
  expect(whole).toBeGreaterThan(0.05);
  expect(shapeDistance(at(0.5), at(0)) / whole).toBeCloseTo(0.5, 1);
  expect(shapeDistance(at(0.5), at(1)) / whole).toBeCloseTo(0.5, 1);
  // 1.5: beyond the second face, as far from it as halfway is.
  expect(shapeDistance(at(1.5), at(0)) / whole).toBeCloseTo(1.5, 1);
  expect(shapeDistance(at(1.5), at(1)) / whole).toBeCloseTo(0.5, 1);
});

test('meshes and weights must pair up', () => {
  expect(() => planComposition([FACE, OTHER], [1], 64, 64)).toThrow('2 meshes but 1 weights');
});

test("the mesh's triangles: 898 over all 468 surface points, its outline MediaPipe's face oval", () => {
  expect(MESH_TRIANGLES.length).toBe(898 * 3);
  expect(new Set(MESH_TRIANGLES).size).toBe(468);
  expect(Math.max(...MESH_TRIANGLES)).toBe(467);
  // FACEMESH_FACE_OVAL as MediaPipe publishes it.
  const faceOval = [
    10, 338, 297, 332, 284, 251, 389, 356, 454, 323, 361, 288, 397, 365, 379, 378, 400, 377, 152, 148, 176, 149, 150, 136, 172, 58, 132, 93, 234, 127, 162, 21,
    54, 103, 67, 109,
  ];
  expect(MESH_OUTLINE).toEqual([...faceOval].sort((a, b) => a - b));
});

test("pixels of the face use the mesh's triangles, the surroundings the ring's", () => {
  const plan = planComposition([FACE, OTHER], [0.5, 0.5], 128, 128);
  expect(plan.triangles.subarray(0, MESH_TRIANGLES.length)).toEqual(MESH_TRIANGLES);
  const ring = plan.triangles.subarray(MESH_TRIANGLES.length);
  // The ring's corners are outline or border points only.
  const allowed = new Set([...MESH_OUTLINE, ...Array.from({ length: 16 }, (_, k) => SURFACE_POINTS + k)]);
  expect(Array.from(ring).every((v) => allowed.has(v))).toBe(true);
  const map = triangleMap(plan.target, plan.triangles, 128, 128);
  const meshTriangles = MESH_TRIANGLES.length / 3;
  // The outline, placed, in its order around the face: a convex polygon here (the stand-in's oval).
  const oval = FACE_OVAL.map((k) => plan.mesh[k]!);
  const inside = (p: Point) => {
    let crossings = 0;
    oval.forEach((a, k) => {
      const b = oval[(k + 1) % oval.length]!;
      if (a.y > p.y !== b.y > p.y && p.x < a.x + ((p.y - a.y) * (b.x - a.x)) / (b.y - a.y)) crossings++;
    });
    return crossings % 2 === 1;
  };
  let [faceInMesh, face, aroundInRing, around] = [0, 0, 0, 0];
  for (let y = 0; y < 128; y++)
    for (let x = 0; x < 128; x++) {
      const inMesh = map[y * 128 + x]! < meshTriangles;
      if (inside({ x, y })) [faceInMesh, face] = [faceInMesh + (inMesh ? 1 : 0), face + 1];
      else [aroundInRing, around] = [aroundInRing + (inMesh ? 0 : 1), around + 1];
    }
  expect(face).toBeGreaterThan(1000);
  expect(around).toBeGreaterThan(1000);
  expect(faceInMesh / face).toBeGreaterThan(0.97);
  expect(aroundInRing / around).toBeGreaterThan(0.99);
});

test('the iris points follow the alignment but do not steer it', () => {
  const plan = planComposition([FACE, OTHER], [0.5, 0.5], 200, 200);
  // The same faces with their iris points (468-477) thrown far off: the blended surface keeps its shape
  // (the placement, which reads the eyes' 68 points, may move it as a whole).
  const wild = (mesh: Point3[]) => mesh.map((p, k) => (k >= SURFACE_POINTS ? { x: p.x + 5000, y: p.y - 3000, z: p.z } : p));
  const steered = planComposition([wild(FACE), wild(OTHER)], [0.5, 0.5], 200, 200);
  const surface = (mesh: Point3[]) => mesh.slice(0, SURFACE_POINTS);
  expect(shapeDistance(surface(steered.mesh), surface(plan.mesh))).toBeLessThan(1e-9);
  // Were they aligned too, the two faces would turn differently and the blend change shape.
  expect(shapeDistance(surface(planComposition([FACE, wild(OTHER)], [0.5, 0.5], 200, 200).mesh), surface(plan.mesh))).toBeLessThan(1e-9);
  expect(steered.mesh[SURFACE_POINTS]!.x - plan.mesh[SURFACE_POINTS]!.x).toBeGreaterThan(100);
});

test("the 68 points: the composed mesh's, moved by the inputs' own offsets from their meshes' points, carried by each input's similarity and blended", () => {
  // Points placed off the mesh's vertices: the mesh's own 68 moved by a fixed offset each.
  const ownPoints = (mesh: readonly Point3[]) => ibug68FromMesh(mesh).map((p, k) => ({ x: p.x + (k % 5) - 2, y: p.y + (k % 3) - 1 }));
  // Copies under similarities: the warp is each copy's similarity, so every point lands where the similarity onto the composed mesh takes it.
  const copy = moved(FACE, -0.3, 0.7, 40, 25);
  const copyPoints = moved(
    ownPoints(FACE).map((p) => ({ ...p, z: 0 })),
    -0.3,
    0.7,
    40,
    25,
  );
  const plan = planComposition([FACE, copy], [0.5, 0.5], 300, 300, [ownPoints(FACE), copyPoints]);
  const toOutput = fitSimilarity(FACE.slice(0, SURFACE_POINTS), plan.mesh.slice(0, SURFACE_POINTS));
  ownPoints(FACE).forEach((p, k) => {
    const expected = applySimilarity(toOutput, p);
    expect(Math.hypot(plan.points68[k]!.x - expected.x, plan.points68[k]!.y - expected.y)).toBeLessThan(1e-6);
  });
  // A morph at 0 gives the first face's own points, at 1 the second's (under their similarities); halfway,
  // the composed mesh's points plus half of each face's offsets, turned and scaled as its face is.
  const stretched = moved(
    FACE.map((p) => (p.y > 150 ? { ...p, y: 150 + 1.3 * (p.y - 150) } : p)),
    0.2,
    1.2,
    50,
    10,
  );
  const at = (t: number) => planComposition([FACE, stretched], [1 - t, t], 256, 256, [ownPoints(FACE), ownPoints(stretched)]).points68;
  expect(shapeDistance(at(0), ownPoints(FACE))).toBeLessThan(1e-9);
  expect(shapeDistance(at(1), ownPoints(stretched))).toBeLessThan(1e-9);
  const half = planComposition([FACE, stretched], [0.5, 0.5], 256, 256, [ownPoints(FACE), ownPoints(stretched)]);
  const meshPoints = ibug68FromMesh(half.mesh);
  // FACE's offsets are (k % 5 - 2, k % 3 - 1); the stretched copy's the same in its own image, and it is
  // 1.2x FACE's size: each is carried onto the output at the output's size over that face's.
  const [toFace, toStretched] = [FACE, stretched].map((m) => fitSimilarity(m.slice(0, SURFACE_POINTS), half.mesh.slice(0, SURFACE_POINTS)));
  half.points68.forEach((p, k) => {
    const d = { x: (k % 5) - 2, y: (k % 3) - 1 };
    const carried = [toFace!, toStretched!].map(({ a }) => ({ x: a.x * d.x - a.y * d.y, y: a.y * d.x + a.x * d.y }));
    expect(p.x).toBeCloseTo(meshPoints[k]!.x + 0.5 * (carried[0]!.x + carried[1]!.x), 1);
    expect(p.y).toBeCloseTo(meshPoints[k]!.y + 0.5 * (carried[0]!.y + carried[1]!.y), 1);
  });
  // Without points the plan carries the meshes' own 68 points.
  expect(planComposition([FACE], [1], 256, 256).points68).toEqual(planComposition([FACE], [1], 256, 256, [ibug68FromMesh(FACE)]).points68);
});
