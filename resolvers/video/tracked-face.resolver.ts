import { Arg, FieldResolver, Resolver, Root } from 'type-graphql';
import { unpackMesh } from '../../src/providers/embedded/mediapipe/face-mesh';
import type { TrackedFaceData } from '../../src/video/video-analysis';
import { Landmark } from '../face/landmark.type';
import { fivePointLandmarks, ibug68Landmarks, meshLandmarks } from '../face/landmark-list';
import { LandmarkScheme } from '../face/landmark-scheme.enum';
import { Rectangle } from '../face/rectangle.type';
import { TrackedFace } from './tracked-face.type';

@Resolver(() => TrackedFace)
export class TrackedFaceResolver {
  @FieldResolver(() => Rectangle, { description: 'The face box in this frame.' })
  rectangle(@Root() face: TrackedFaceData): Rectangle {
    return face.box;
  }

  @FieldResolver(() => [Landmark], {
    description: 'The landmark points of the scheme asked for in this frame, in index order, smoothed over the track unless `smoothing` was false.',
  })
  landmarks(
    @Root() face: TrackedFaceData,
    @Arg('scheme', () => LandmarkScheme, {
      defaultValue: LandmarkScheme.FIVE_POINT,
      description: "Which points: the five (default), the 68 of iBUG 300-W, or MediaPipe's 478-point mesh.",
    })
    scheme: LandmarkScheme,
  ): Landmark[] {
    if (scheme === LandmarkScheme.FIVE_POINT) return fivePointLandmarks(face.fivePoints);
    if (scheme === LandmarkScheme.IBUG_68) return ibug68Landmarks(face.points68 ?? []);
    return meshLandmarks(face.mesh ? unpackMesh(face.mesh) : []);
  }
}
