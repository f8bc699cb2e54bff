import { FieldResolver, Resolver, Root } from 'type-graphql';
import type { FivePoints } from '../src/geometry/landmarks';
import { LandmarkType } from './enums/landmark-type.enum';
import { Face } from './types/face.type';
import { Landmark } from './types/landmark.type';

const FIVE_POINT_ORDER: Array<[LandmarkType, keyof FivePoints]> = [
  [LandmarkType.LEFT_EYE, 'leftEye'],
  [LandmarkType.RIGHT_EYE, 'rightEye'],
  [LandmarkType.NOSE_TIP, 'noseTip'],
  [LandmarkType.MOUTH_LEFT, 'mouthLeft'],
  [LandmarkType.MOUTH_RIGHT, 'mouthRight'],
];

@Resolver(() => Face)
export class FaceResolver {
  @FieldResolver(() => [Landmark], {
    description: 'The five MXFace points (eyes, nose tip, mouth corners), in that order. A point the provider did not report is left out.',
  })
  landmarks(@Root() face: Face): Landmark[] {
    return FIVE_POINT_ORDER.flatMap(([type, key]) => {
      const point = face.fivePoints[key];
      return point ? [{ type, point }] : [];
    });
  }
}
