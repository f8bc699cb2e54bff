// The five-point head pose against a face turned in 3-D and photographed: an average face (eyes one
// unit apart, the nose tip 0.55 in front of them and 0.5 of the way down to the mouth), rotated by
// known angles and projected, then moved, turned in the image and scaled by any similarity.
import fc from 'fast-check';
import { estimateHeadPose } from '../../src/geometry/head-pose';

type P3 = [number, number, number];
const FACE: Record<'leftEye' | 'rightEye' | 'noseTip' | 'mouthLeft' | 'mouthRight', P3> = {
  leftEye: [-0.5, 0, 0],
  rightEye: [0.5, 0, 0],
  noseTip: [0, 0.6, -0.55],
  mouthLeft: [-0.4, 1.2, 0],
  mouthRight: [0.4, 1.2, 0],
};
const rad = (deg: number) => (deg * Math.PI) / 180;

/** The face turned by yaw (about the vertical axis), projected orthographically, then rolled, scaled and moved in the image. */
type Five = Parameters<typeof estimateHeadPose>[0];

function photograph(yaw: number, roll: number, scale = 100, shift = { x: 300, y: 200 }, withMouth = true): Five {
  const project = ([x, y, z]: P3) => {
    const turnedX = x * Math.cos(rad(yaw)) - z * Math.sin(rad(yaw));
    const [c, s] = [Math.cos(rad(roll)), Math.sin(rad(roll))];
    return { x: shift.x + scale * (turnedX * c - y * s), y: shift.y + scale * (turnedX * s + y * c) };
  };
  const points = Object.fromEntries(Object.entries(FACE).map(([k, p]) => [k, project(p)])) as unknown as Five;
  return withMouth ? points : { ...points, mouthLeft: undefined, mouthRight: undefined };
}

test('yaw and roll are recovered from any turn up to 60 degrees, any roll, scale and place', () => {
  fc.assert(
    fc.property(
      fc.double({ min: -60, max: 60, noNaN: true }),
      fc.double({ min: -170, max: 170, noNaN: true }),
      fc.double({ min: 5, max: 2000, noNaN: true }),
      fc.record({ x: fc.double({ min: -5000, max: 5000, noNaN: true }), y: fc.double({ min: -5000, max: 5000, noNaN: true }) }),
      (yaw, roll, scale, shift) => {
        const pose = estimateHeadPose(photograph(yaw, roll, scale, shift));
        expect(pose.yaw).toBeCloseTo(yaw, 4);
        expect(pose.roll).toBeCloseTo(roll, 4);
        expect(pose.pitch).toBeCloseTo(0, 4); // no pitch in these photographs, with or without the mouth
        const noMouth = estimateHeadPose(photograph(yaw, roll, scale, shift, false));
        expect(noMouth.pitch).toBeCloseTo(0, 4);
        expect(noMouth.yaw).toBeCloseTo(yaw, 4);
      },
    ),
  );
});

test('pitch: a nose lower toward the mouth is a face turned down (negative), higher is up; with or without the mouth points', () => {
  const face = photograph(0, 0);
  const withNoseAt = (dy: number, mouth: boolean) =>
    estimateHeadPose({
      ...face,
      noseTip: { x: face.noseTip!.x, y: face.noseTip!.y + dy },
      ...(mouth ? {} : { mouthLeft: undefined, mouthRight: undefined }),
    }).pitch;
  for (const mouth of [true, false]) {
    expect(withNoseAt(20, mouth)).toBeLessThan(-5);
    expect(withNoseAt(-20, mouth)).toBeGreaterThan(5);
    expect(withNoseAt(20, mouth)).toBeLessThan(withNoseAt(10, mouth));
  }
  // With the mouth, pitch reads the nose against the eye-to-mouth distance: the same nose, a longer face, is turned up.
  const longFace = { ...face, mouthLeft: { ...face.mouthLeft!, y: face.mouthLeft!.y + 40 }, mouthRight: { ...face.mouthRight!, y: face.mouthRight!.y + 40 } };
  expect(estimateHeadPose(longFace).pitch).toBeGreaterThan(5);
  // A mouth above the eyes (a broken detection) is ignored: the pitch falls back to the eye distance.
  const upsideDown = { ...face, mouthLeft: { x: face.mouthLeft!.x, y: 100 }, mouthRight: { x: face.mouthRight!.x, y: 100 } };
  expect(estimateHeadPose(upsideDown).pitch).toBeCloseTo(0, 4);
});
