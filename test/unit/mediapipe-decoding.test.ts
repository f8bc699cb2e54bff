// The pure parts of the MediaPipe pipeline: no models, no tfjs.
import { blazefaceAnchors, BLAZEFACE_ANCHOR_COUNT, BLAZEFACE_ROW, decodeBlazeface, nonMaxSuppression } from '../../src/providers/embedded/mediapipe/blazeface';
import { decodeFaceboxes } from '../../src/providers/embedded/mediapipe/faceboxes';
import { meshPart, refineMesh, REFINED_MESH_POINTS } from '../../src/providers/embedded/mediapipe/face-mesh';
import { cropTransform, MESH_CROP_SCALE } from '../../src/providers/embedded/mediapipe/mediapipe-engine';
import { ibug68FromMesh } from '../../src/geometry/mesh-to-ibug68';
import { fromFrame, ibug68ByRegression, meshFrame, toFrame, type Ibug68Regression } from '../../src/geometry/ibug68-regression';
import { applySimilarity, invertSimilarity } from '../../src/geometry/similarity';

describe('blazeface decoding', () => {
  test('896 anchors: 16x16 cells of 2 at stride 16, then 8x8 cells of 6 at stride 32', () => {
    const anchors = blazefaceAnchors();
    expect(anchors).toHaveLength(896);
    expect(anchors[0]).toEqual({ x: 8, y: 8 });
    expect(anchors[1]).toEqual({ x: 8, y: 8 });
    expect(anchors[2]).toEqual({ x: 24, y: 8 });
    expect(anchors[511]).toEqual({ x: 248, y: 248 });
    expect(anchors[512]).toEqual({ x: 16, y: 16 });
    expect(anchors[895]).toEqual({ x: 240, y: 240 });
  });

  const outputs = (faces: Array<{ anchor: number; logit: number; values: number[] }>) => {
    const logits = new Float32Array(BLAZEFACE_ANCHOR_COUNT).fill(-10);
    const rows = new Float32Array(BLAZEFACE_ANCHOR_COUNT * BLAZEFACE_ROW);
    for (const f of faces) {
      logits[f.anchor] = f.logit;
      rows.set(f.values, f.anchor * BLAZEFACE_ROW);
    }
    return { logits, rows };
  };

  test('boxes and key points are offsets from the anchor centre; the score is the sigmoid of the logit', () => {
    // Anchor 512 is centred at (16, 16).
    const values = [4, -2, 40, 50, -10, -5, 10, -5, 0, 5, 0, 15, -20, 0, 20, 0];
    const { logits, rows } = outputs([{ anchor: 512, logit: 2, values }]);
    const [face, ...rest] = decodeBlazeface(logits, rows, 0.5, 0.3);
    expect(rest).toEqual([]);
    expect(face.score).toBeCloseTo(1 / (1 + Math.exp(-2)), 6);
    expect(face.box).toEqual({ x: 20 - 20, y: 14 - 25, width: 40, height: 50 });
    expect(face.keyPoints[0]).toEqual({ x: 6, y: 11 });
    expect(face.keyPoints[1]).toEqual({ x: 26, y: 11 });
    expect(face.keyPoints[5]).toEqual({ x: 36, y: 16 });
  });

  test('drops candidates under the score floor and overlapping better ones', () => {
    const box = [0, 0, 40, 40, ...new Array(12).fill(0)];
    const { logits, rows } = outputs([
      { anchor: 600, logit: 3, values: box },
      { anchor: 601, logit: 1, values: box }, // same cell, same box: suppressed
      { anchor: 700, logit: 1.5, values: box }, // elsewhere: kept
      { anchor: 800, logit: -1, values: box }, // score 0.27: under the floor
    ]);
    const faces = decodeBlazeface(logits, rows, 0.5, 0.3);
    expect(faces.map((f) => f.score.toFixed(3))).toEqual([(1 / (1 + Math.exp(-3))).toFixed(3), (1 / (1 + Math.exp(-1.5))).toFixed(3)]);
  });

  test('refuses outputs of the wrong size', () => {
    expect(() => decodeBlazeface(new Float32Array(10), new Float32Array(160), 0.5, 0.3)).toThrow(/expected 896/);
  });

  test('non-maximum suppression keeps the best of overlapping boxes', () => {
    const kept = nonMaxSuppression(
      [
        { box: { x: 0, y: 0, width: 10, height: 10 }, score: 0.6 },
        { box: { x: 1, y: 1, width: 10, height: 10 }, score: 0.9 },
        { box: { x: 50, y: 50, width: 10, height: 10 }, score: 0.7 },
      ],
      0.3,
    );
    expect(kept.map((k) => k.score)).toEqual([0.9, 0.7]);
  });
});

describe('face mesh refinement', () => {
  const heads = () => ({
    mesh: Float32Array.from({ length: 468 * 3 }, (_, i) => (i % 3 === 2 ? 100 + Math.floor(i / 3) : Math.floor(i / 3))),
    lips: new Float32Array(160).fill(-1),
    eyeLeft: new Float32Array(142).fill(-2),
    eyeRight: new Float32Array(142).fill(-3),
    irisLeft: Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]),
    irisRight: Float32Array.from([11, 12, 13, 14, 15, 16, 17, 18, 19, 20]),
  });

  test('lip and eye heads replace their mesh points in x and y, keeping z; the irises follow at 468-477', () => {
    const points = refineMesh(heads());
    expect(points).toHaveLength(REFINED_MESH_POINTS);
    expect(points[61]).toEqual({ x: -1, y: -1, z: 161 }); // first lip point, a mouth corner
    expect(points[33]).toEqual({ x: -2, y: -2, z: 133 }); // first image-left eye point, its outer corner
    expect(points[263]).toEqual({ x: -3, y: -3, z: 363 }); // first image-right eye point
    expect(points[1]).toEqual({ x: 1, y: 1, z: 101 }); // untouched
    expect(points[468]).toMatchObject({ x: 1, y: 2 });
    expect(points[472]).toMatchObject({ x: 9, y: 10 });
    expect(points[473]).toMatchObject({ x: 11, y: 12 });
    // The iris depth is the mean depth of its eye's contour.
    const contour = [33, 7, 163, 144, 145, 153, 154, 155, 133, 246, 161, 160, 159, 158, 157, 173];
    expect(points[468].z).toBeCloseTo(contour.reduce((s, i) => s + 100 + i, 0) / contour.length, 6);
  });

  test('refuses heads of the wrong size', () => {
    expect(() => refineMesh({ ...heads(), lips: new Float32Array(10) })).toThrow(/expected 160/);
    expect(() => refineMesh({ ...heads(), mesh: new Float32Array(10) })).toThrow(/expected 1404/);
  });

  test('names the pupils, irises, eye and lip contours of the 478 points', () => {
    expect(meshPart(468)).toEqual({ part: 'LEFT_PUPIL', region: 'EYES' });
    expect(meshPart(470)).toEqual({ part: 'LEFT_IRIS', region: 'EYES' });
    expect(meshPart(473)).toEqual({ part: 'RIGHT_PUPIL', region: 'EYES' });
    expect(meshPart(477)).toEqual({ part: 'RIGHT_IRIS', region: 'EYES' });
    expect(meshPart(33)).toEqual({ part: 'MESH', region: 'EYES' });
    expect(meshPart(61)).toEqual({ part: 'MESH', region: 'LIPS' });
    expect(meshPart(1)).toEqual({ part: 'MESH', region: 'FACE' });
    expect(() => meshPart(478)).toThrow(RangeError);
  });
});

describe('mesh -> 68 regression', () => {
  // Two vertices set the frame (33, 263: the outer eye corners); every point's weights act on its vertices.
  const table: Ibug68Regression = {
    nearestVertices: 2,
    lambda: 0,
    trainingFaces: 0,
    points: [
      { vertices: [1, 2], x: [0.5, 0, 0, 0.5, 0, 0, 0], y: [0, 0.5, 0, 0, 0.5, 0, 0] }, // the midpoint of vertices 1 and 2
      { vertices: [2], x: [0, 0, 0, 0.25], y: [0, 0, 1, -0.5] }, // a constant in x; y from the depth
    ],
  };
  const mesh = Array.from({ length: 478 }, () => ({ x: 0, y: 0, z: 0 }));
  mesh[33] = { x: 100, y: 100, z: 0 };
  mesh[263] = { x: 100, y: 140, z: 0 }; // eyes on a vertical line: the face is rolled 90 degrees
  mesh[1] = { x: 80, y: 120, z: 0 };
  mesh[2] = { x: 60, y: 140, z: 8 };

  test('the frame: origin between the eye corners, x along them, the unit their distance', () => {
    const frame = meshFrame(mesh);
    expect(frame).toEqual({ origin: { x: 100, y: 120 }, axis: { x: 0, y: 1 }, unit: 40 });
    expect(toFrame(frame, { x: 100, y: 140, z: 20 })).toEqual({ x: 0.5, y: 0, z: 0.5 });
    // Image x is the frame's -y when x runs down the image.
    expect(toFrame(frame, { x: 60, y: 120, z: 0 })).toEqual({ x: 0, y: 1, z: 0 });
    expect(fromFrame(frame, { x: 0, y: 1 })).toEqual({ x: 60, y: 120 });
  });

  test('each point applies its weights in the frame, then returns to image pixels', () => {
    // Vertex 1 is at frame (0, 0.5), vertex 2 at (0.5, 1) with depth 0.2: their midpoint (0.25, 0.75)
    // is image (70, 130); the second point is frame (0.25, 1 * 0.2 - 0.5) = image (112, 130).
    const [mid, second] = ibug68ByRegression(mesh, table);
    expect(mid!.x).toBeCloseTo(70, 9);
    expect(mid!.y).toBeCloseTo(130, 9);
    expect(second!.x).toBeCloseTo(112, 9);
    expect(second!.y).toBeCloseTo(130, 9);
  });

  test('a mesh with both eye corners at one place has no frame', () => {
    const flat = mesh.map((p, i) => (i === 263 ? mesh[33]! : p));
    expect(() => meshFrame(flat)).toThrow('the mesh has both eye corners at one place');
  });

  test('a table naming a vertex the mesh lacks, or missing its constant, is an error, not NaN points', () => {
    const point = table.points[0]!;
    expect(() => ibug68ByRegression(mesh, { ...table, points: [{ ...point, vertices: [1, 478] }] })).toThrow('the mesh has no vertex 478');
    expect(() => ibug68ByRegression(mesh, { ...table, points: [{ ...point, x: point.x.slice(0, -1) }] })).toThrow(RangeError);
  });

  test('the fitted table: 68 points, valid vertices, and it moves with the face', () => {
    const shifted = mesh.map((p) => ({ x: p.x + 7, y: p.y - 3, z: p.z }));
    const a = ibug68FromMesh(mesh);
    const b = ibug68FromMesh(shifted);
    expect(a).toHaveLength(68);
    a.forEach((p, i) => {
      expect(b[i]!.x - p.x).toBeCloseTo(7, 6);
      expect(b[i]!.y - p.y).toBeCloseTo(-3, 6);
    });
  });
});

describe('the mesh crop', () => {
  const seed = { box: { x: 100, y: 200, width: 80, height: 100 }, leftEye: { x: 120, y: 240 }, rightEye: { x: 160, y: 260 } };

  test('is a square of 1.5 x the longer box side centred on the box, turned so the eyes are level', () => {
    const crop = cropTransform(seed);
    expect(Math.hypot(crop.a.x, crop.a.y)).toBeCloseTo((100 * MESH_CROP_SCALE) / 192, 9);
    const toCrop = invertSimilarity(crop);
    const [l, r] = [applySimilarity(toCrop, seed.leftEye), applySimilarity(toCrop, seed.rightEye)];
    expect(l.y).toBeCloseTo(r.y, 9);
    expect(l.x).toBeLessThan(r.x);
    // The crop's centre (between pixels 95 and 96) is the box's centre in pixel-index coordinates.
    expect(applySimilarity(crop, { x: 95.5, y: 95.5 })).toEqual({ x: expect.closeTo(139.5, 9), y: expect.closeTo(249.5, 9) });
  });
});

describe('faceboxes decoding', () => {
  test('rows are normalised (ymin, xmin, ymax, xmax); only the first `count` rows count; low scores and empty boxes are dropped', () => {
    const scores = [0.9, 0.2, 0.6, 0.95];
    const boxes = [0.1, 0.2, 0.5, 0.4, 0, 0, 1, 1, 0.5, 0.5, 0.5, 0.6, 0.3, 0.3, 0.4, 0.4];
    expect(decodeFaceboxes(scores, boxes, 3, 200, 100, 0.3)).toEqual([{ score: 0.9, box: { x: 40, y: 10, width: 40, height: 40 } }]);
    const all = decodeFaceboxes(scores, boxes, 4, 200, 100, 0.3);
    expect(all.map((b) => b.score)).toEqual([0.9, 0.95]);
    expect(all[1]!.box.x).toBeCloseTo(60, 9);
    expect(all[1]!.box.height).toBeCloseTo(10, 9);
  });
});
