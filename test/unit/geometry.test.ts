import { boundingBox, clipBox, iou, pixelRegion, scalePixelPoint, squareAround } from '../../src/geometry/geometry';
import { estimateHeadPose } from '../../src/geometry/head-pose';
import { fivePointsFrom68, mapFivePoints } from '../../src/geometry/landmarks';
import { applySimilarity, fitSimilarity, invertSimilarity, squareFootprint } from '../../src/geometry/similarity';

test('pixel centres correspond between resolutions', () => {
  expect(scalePixelPoint({ x: 0, y: 0 }, 2)).toEqual({ x: 0.5, y: 0.5 });
  expect(scalePixelPoint({ x: -0.5, y: 9.5 }, 3)).toEqual({ x: -0.5, y: 29.5 });
});

test('the integer pixel rectangle of a box: its corner floored, its sides rounded, at least a pixel, inside the image', () => {
  expect(pixelRegion({ x: 10.6, y: 2.2, width: 20.4, height: 5.5 }, 100, 100)).toEqual({ x: 10, y: 2, width: 20, height: 6 });
  expect(pixelRegion({ x: -5, y: -3, width: 30, height: 10 }, 100, 100)).toEqual({ x: 0, y: 0, width: 25, height: 7 });
  // Clipped to 95.5-100 (4.5 wide, rounded up to 5) from pixel 95: all five pixels are inside.
  expect(pixelRegion({ x: 95.5, y: 0, width: 10, height: 10 }, 100, 100)).toEqual({ x: 95, y: 0, width: 5, height: 10 });
  // 99.2-100 rounds to no width: one pixel, the last.
  expect(pixelRegion({ x: 99.2, y: 40, width: 0.3, height: 0.2 }, 100, 100)).toEqual({ x: 99, y: 40, width: 1, height: 1 });
  // A width that rounds past the image's edge is cut at it.
  expect(pixelRegion({ x: 97.6, y: 0, width: 2.4, height: 1 }, 100, 100)).toEqual({ x: 97, y: 0, width: 2, height: 1 });
  expect(pixelRegion({ x: 100, y: 0, width: 10, height: 10 }, 100, 100)).toBeUndefined();
});

test('boxes: square around, clip, IoU, bounding box', () => {
  expect(squareAround({ x: 10, y: 10, width: 20, height: 40 })).toEqual({ x: 0, y: 10, width: 40, height: 40 });
  expect(clipBox({ x: -5, y: -5, width: 10, height: 10 }, 100, 100)).toEqual({ x: 0, y: 0, width: 5, height: 5 });
  expect(clipBox({ x: 200, y: 0, width: 10, height: 10 }, 100, 100)).toBeUndefined();
  expect(iou({ x: 0, y: 0, width: 10, height: 10 }, { x: 5, y: 0, width: 10, height: 10 })).toBeCloseTo(50 / 150, 9);
  expect(
    boundingBox([
      { x: 3, y: 4 },
      { x: -1, y: 9 },
    ]),
  ).toEqual({ x: -1, y: 4, width: 4, height: 5 });
});

test('a fitted similarity recovers the transform that made the points, and inverts', () => {
  const truth = { a: { x: 1.2 * Math.cos(0.3), y: 1.2 * Math.sin(0.3) }, b: { x: 5, y: -7 } };
  const from = [
    { x: 0, y: 0 },
    { x: 10, y: 0 },
    { x: 3, y: 8 },
  ];
  const fitted = fitSimilarity(
    from,
    from.map((p) => applySimilarity(truth, p)),
  );
  expect(fitted.a.x).toBeCloseTo(truth.a.x, 9);
  expect(fitted.b.y).toBeCloseTo(truth.b.y, 9);
  const back = applySimilarity(invertSimilarity(fitted), applySimilarity(fitted, { x: 4, y: 2 }));
  expect(back.x).toBeCloseTo(4, 9);
  expect(back.y).toBeCloseTo(2, 9);
  expect(squareFootprint({ a: { x: 2, y: 0 }, b: { x: 10, y: 10 } }, 4)).toEqual({ x: 9, y: 9, width: 8, height: 8 });
});

test('five points from the 68: eye contour means, nose tip 30, mouth corners 48 and 54', () => {
  const points = Array.from({ length: 68 }, (_, i) => ({ x: i, y: 2 * i }));
  expect(fivePointsFrom68(points)).toEqual({
    leftEye: { x: 38.5, y: 77 },
    rightEye: { x: 44.5, y: 89 },
    noseTip: { x: 30, y: 60 },
    mouthLeft: { x: 48, y: 96 },
    mouthRight: { x: 54, y: 108 },
  });
  expect(() => fivePointsFrom68(points.slice(1))).toThrow(/expected 68/);
});

test('five-point pose: a level frontal face, then roll from the eye line and yaw from the nose', () => {
  const frontal = {
    leftEye: { x: 40, y: 40 },
    rightEye: { x: 60, y: 40 },
    noseTip: { x: 50, y: 50 },
    mouthLeft: { x: 42, y: 60 },
    mouthRight: { x: 58, y: 60 },
  };
  const pose = estimateHeadPose(frontal);
  expect(pose.roll).toBeCloseTo(0, 9);
  expect(pose.yaw).toBeCloseTo(0, 9);
  expect(estimateHeadPose({ ...frontal, rightEye: { x: 60, y: 60 } }).roll).toBeCloseTo(45, 9);
  expect(estimateHeadPose({ ...frontal, noseTip: { x: 56, y: 50 } }).yaw).toBeGreaterThan(10);
});

test('mapFivePoints moves each point, and leaves out the mouth corners a face does not have', () => {
  const shift = (p: { x: number; y: number }) => ({ x: p.x + 1, y: p.y * 2 });
  const five = { leftEye: { x: 1, y: 1 }, rightEye: { x: 3, y: 1 }, noseTip: { x: 2, y: 2 }, mouthLeft: { x: 1, y: 3 }, mouthRight: { x: 3, y: 3 } };
  expect(mapFivePoints(five, shift)).toEqual({
    leftEye: { x: 2, y: 2 },
    rightEye: { x: 4, y: 2 },
    noseTip: { x: 3, y: 4 },
    mouthLeft: { x: 2, y: 6 },
    mouthRight: { x: 4, y: 6 },
  });
  const { mouthLeft: _l, mouthRight: _r, ...noMouth } = five;
  expect(mapFivePoints(noMouth, shift)).toEqual({ leftEye: { x: 2, y: 2 }, rightEye: { x: 4, y: 2 }, noseTip: { x: 3, y: 4 } });
  expect(mapFivePoints({ ...noMouth, mouthRight: five.mouthRight }, shift)).toEqual({
    leftEye: { x: 2, y: 2 },
    rightEye: { x: 4, y: 2 },
    noseTip: { x: 3, y: 4 },
    mouthRight: { x: 4, y: 6 },
  });
});
