import { Field, ID, Int, ObjectType } from 'type-graphql';

@ObjectType({ description: 'One person across frames: the same id while the face stays in view; a scene cut ends every track.' })
export class FaceTrack {
  @Field(() => ID, { description: 'The track id, unique within its job.' })
  id!: string;

  @Field(() => Int, { description: 'First frame (stream index) with this face.' })
  firstFrame!: number;

  @Field(() => Int, { description: 'Last frame (stream index) with this face.' })
  lastFrame!: number;

  @Field(() => Int, { description: 'Analysed frames with this face.' })
  frameCount!: number;
}
