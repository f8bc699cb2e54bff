import { Field, Float, Int, ObjectType } from 'type-graphql';
import { HeadPose } from '../face/head-pose.type';
import { Rectangle } from '../face/rectangle.type';

@ObjectType({ description: 'One face of a track in one analysed frame. Coordinates are pixels of the upright frame.' })
export class TrackedFace {
  @Field(() => Int, { description: 'Index of the frame in the decoded stream (0-based; also when frames are skipped by `sampleFps`).' })
  frame!: number;

  @Field(() => Float, {
    description:
      "The frame's presentation time in seconds, from the stream's timestamps with the file's edit lists applied: the `currentTime` a browser's `<video>` reports while it shows this frame (right for variable frame rates; a clip whose first frame comes late starts at `VideoInfo.startTime`, not 0).",
  })
  time!: number;

  @Field(() => Rectangle, { description: 'The face box in this frame.' })
  rectangle!: Rectangle;

  @Field(() => Float, { description: 'Detector confidence in this frame, 0..1.' })
  confidence!: number;

  @Field(() => HeadPose, { nullable: true, description: "Head orientation in this frame, from the face's 3-D mesh (the five points when there is none)." })
  pose!: HeadPose | null;
}
