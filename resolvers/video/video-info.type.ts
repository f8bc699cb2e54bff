import { Field, Float, Int, ObjectType } from 'type-graphql';

@ObjectType({ description: 'What was read from the video file before decoding it.' })
export class VideoInfo {
  @Field(() => Int, { description: 'Width of the upright frame in pixels (rotation metadata applied).' })
  width!: number;

  @Field(() => Int, { description: 'Height of the upright frame in pixels.' })
  height!: number;

  @Field(() => Float, { description: 'Duration in seconds, as the file declares it.' })
  durationSeconds!: number;

  @Field(() => Float, {
    description:
      "The first frame's presentation time in seconds, on the player's timeline: 0 for most files, later for edited MP4s (an edit list) and MPEG-TS. `TrackedFace.time` counts on the same timeline.",
  })
  startTime!: number;

  @Field(() => Float, {
    description: 'Average frames per second, as the file declares it (a variable-rate clip has its average here; frame times come from timestamps).',
  })
  frameRate!: number;

  @Field(() => Int, { description: 'Frames in the video stream, as declared (or duration x frame rate when the file does not say).' })
  frameCount!: number;

  @Field(() => String, { description: 'The video codec, as ffmpeg names it: h264, hevc, vp8, vp9, av1, gif...' })
  codec!: string;

  @Field(() => Int, { description: 'Clockwise degrees a player turns the stored frames (0, 90, 180, 270); coordinates are already in the turned frame.' })
  rotation!: number;
}
