import { Field, ID, Int, ObjectType } from 'type-graphql';
import type { FaceTrackData } from '../../src/video/video-analysis';

@ObjectType({
  description: 'One face followed across frames: the same id while it stays in view; a scene cut ends every track. `person` joins the tracks of one person.',
})
export class FaceTrack {
  @Field(() => ID, { description: 'The track id, unique within its job.' })
  id!: string;

  @Field(() => Int, { description: 'First frame (stream index) with this face.' })
  firstFrame!: number;

  @Field(() => Int, { description: 'Last frame (stream index) with this face.' })
  lastFrame!: number;

  @Field(() => Int, { description: 'Analysed frames with this face.' })
  frameCount!: number;

  /** The results its faces are read from. */
  data!: FaceTrackData;
}
