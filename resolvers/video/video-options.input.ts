import { Field, Float, InputType, Int } from 'type-graphql';
import { DEFAULT_MIN_FACE_SIZE } from '../../src/detection/detection-options';

@InputType({ description: 'Tuning for one video job. Out-of-range values give an INVALID_OPTION user error.' })
export class VideoOptions {
  @Field(() => Float, {
    nullable: true,
    description:
      "Analyse this many frames per second at most: the first frame at or after each tick of a 1/sampleFps grid from the first frame, by the frames' timestamps (2 of a 25 fps clip: 0, 0.52, 1.0, 1.52 s...); null or omitted: every frame.",
  })
  sampleFps?: number | null;

  @Field(() => Int, { nullable: true, description: 'Most faces per frame, the most confident first, as for photos. Default 100.' })
  maxFaces?: number | null;

  @Field(() => Float, { nullable: true, description: 'Smallest detector confidence (0..1) for a face, as for photos. Default 0.3.' })
  minConfidence?: number | null;

  @Field(() => Int, { nullable: true, description: `Narrowest face to look for, in pixels of the frame, as for photos. Default ${DEFAULT_MIN_FACE_SIZE}.` })
  minFaceSize?: number | null;

  @Field(() => Boolean, {
    nullable: true,
    description: 'Filter the points of each track over time (One Euro filter: less jitter on still faces, little lag on moving ones). Default true.',
  })
  smoothing?: boolean | null;
}
