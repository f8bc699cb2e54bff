import { EYE_RATIO_FULL, eyesFromMesh, MOUTH_RATIO_FULL, mouthFromMesh } from '../../src/geometry/eyes-and-mouth';

// A synthetic mesh: each eye 40 px wide with its lids `gap` apart; the mouth 50 px wide, its lips `lips` apart.
function meshWith(gap: number, lips: number, pupilShift = { x: 0, y: 0 }) {
  const mesh = Array.from({ length: 478 }, () => ({ x: 0, y: 0 }));
  const eye = (cx: number, corners: [number, number], upper: [number, number], lower: [number, number], pupil: number) => {
    mesh[corners[0]] = { x: cx - 20, y: 100 };
    mesh[corners[1]] = { x: cx + 20, y: 100 };
    upper.forEach((i) => (mesh[i] = { x: cx, y: 100 - gap / 2 }));
    lower.forEach((i) => (mesh[i] = { x: cx, y: 100 + gap / 2 }));
    mesh[pupil] = { x: cx + pupilShift.x, y: 100 + pupilShift.y };
  };
  eye(100, [33, 133], [160, 158], [144, 153], 468);
  eye(200, [362, 263], [385, 387], [380, 373], 473);
  mesh[61] = { x: 125, y: 200 };
  mesh[291] = { x: 175, y: 200 };
  [82, 13, 312].forEach((i) => (mesh[i] = { x: 150, y: 200 - lips / 2 }));
  [87, 14, 317].forEach((i) => (mesh[i] = { x: 150, y: 200 + lips / 2 }));
  return mesh;
}
const level = { yaw: 0, pitch: 0 };

test('openness is the aperture ratio over its full value, capped at 1', () => {
  const eyes = eyesFromMesh(meshWith(8, 5), level);
  expect(eyes.leftOpenness).toBeCloseTo(8 / 40 / EYE_RATIO_FULL, 9);
  expect(eyes.rightOpenness).toBeCloseTo(0.5, 9);
  expect(mouthFromMesh(meshWith(8, 5)).openness).toBeCloseTo(5 / 50 / MOUTH_RATIO_FULL, 9);
  expect(eyesFromMesh(meshWith(30, 0), level).leftOpenness).toBe(1);
  expect(mouthFromMesh(meshWith(8, 40)).openness).toBe(1);
  expect(mouthFromMesh(meshWith(8, 0)).openness).toBe(0);
});

test("gaze: the pupils' turn over a 0.42-width eyeball, added to the head's", () => {
  // 8.4 px off centre towards the image's right on a 40 px eye: asin(8.4 / 16.8) = 30 degrees.
  const right = eyesFromMesh(meshWith(8, 0, { x: 8.4, y: 0 }), { yaw: 5, pitch: -2 });
  expect(right.gaze.yaw).toBeCloseTo(35, 6);
  expect(right.gaze.pitch).toBeCloseTo(-2, 6);
  // Up the image (y smaller) is looking up; past the eyeball the angle stops at 90.
  const up = eyesFromMesh(meshWith(8, 0, { x: 0, y: -8.4 }), level);
  expect(up.gaze.pitch).toBeCloseTo(30, 6);
  expect(up.gaze.yaw).toBeCloseTo(0, 9);
  expect(eyesFromMesh(meshWith(8, 0, { x: -100, y: 0 }), level).gaze.yaw).toBeCloseTo(-90, 6);
});
