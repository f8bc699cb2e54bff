// The iBUG 300-W 68-point layout, written out point by point from the scheme's published figure
// (https://ibug.doc.ic.ac.uk/resources/facial-point-annotations/), left and right as the image shows them.
import { FaceRegion, ibug68Part, ibug68Range, IBUG68_RANGES, LandmarkPart } from '../../src/geometry/ibug68';

const P = LandmarkPart;
const LAYOUT: LandmarkPart[] = [
  ...Array<LandmarkPart>(17).fill(P.JAW_CONTOUR), // 0-16
  ...Array<LandmarkPart>(5).fill(P.LEFT_BROW), // 17-21
  ...Array<LandmarkPart>(5).fill(P.RIGHT_BROW), // 22-26
  P.NOSE_BRIDGE,
  P.NOSE_BRIDGE,
  P.NOSE_BRIDGE, // 27-29
  P.NOSE_TIP, // 30
  ...Array<LandmarkPart>(5).fill(P.NOSTRILS), // 31-35
  ...Array<LandmarkPart>(6).fill(P.LEFT_EYE_CONTOUR), // 36-41
  ...Array<LandmarkPart>(6).fill(P.RIGHT_EYE_CONTOUR), // 42-47
  P.MOUTH_LEFT, // 48
  ...Array<LandmarkPart>(5).fill(P.OUTER_LIPS), // 49-53
  P.MOUTH_RIGHT, // 54
  ...Array<LandmarkPart>(5).fill(P.OUTER_LIPS), // 55-59
  ...Array<LandmarkPart>(8).fill(P.INNER_LIPS), // 60-67
];
const REGION: Partial<Record<LandmarkPart, FaceRegion>> = {
  [P.JAW_CONTOUR]: FaceRegion.JAW,
  [P.LEFT_BROW]: FaceRegion.BROWS,
  [P.RIGHT_BROW]: FaceRegion.BROWS,
  [P.NOSE_BRIDGE]: FaceRegion.NOSE,
  [P.NOSE_TIP]: FaceRegion.NOSE,
  [P.NOSTRILS]: FaceRegion.NOSE,
  [P.LEFT_EYE_CONTOUR]: FaceRegion.EYES,
  [P.RIGHT_EYE_CONTOUR]: FaceRegion.EYES,
  [P.MOUTH_LEFT]: FaceRegion.LIPS,
  [P.MOUTH_RIGHT]: FaceRegion.LIPS,
  [P.OUTER_LIPS]: FaceRegion.LIPS,
  [P.INNER_LIPS]: FaceRegion.LIPS,
};

test('the layout has 68 points', () => expect(LAYOUT).toHaveLength(68));

test.each(LAYOUT.map((part, index) => [index, part]))('point %d is %s', (index, part) => {
  expect(ibug68Part(index)).toEqual({ part, region: REGION[part] });
});

test.each([-1, 68, 1000])('there is no point %d', (index) => {
  expect(() => ibug68Part(index)).toThrow(`iBUG 68 has no point ${index}`);
});

test('a range is its points, first and last included', () => {
  const points = Array.from({ length: 68 }, (_, i) => i);
  expect(ibug68Range(points, IBUG68_RANGES.leftEye)).toEqual([36, 37, 38, 39, 40, 41]);
  expect(ibug68Range(points, IBUG68_RANGES.innerLips)).toEqual([60, 61, 62, 63, 64, 65, 66, 67]);
  expect(ibug68Range(points, IBUG68_RANGES.jaw)).toHaveLength(17);
  expect(ibug68Range(points, IBUG68_RANGES.mouth)).toHaveLength(20);
});
