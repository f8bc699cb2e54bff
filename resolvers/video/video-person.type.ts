import { Field, Float, ID, Int, ObjectType } from 'type-graphql';
import type { PersonData } from '../../src/video/video-people';
import { FaceTrack } from './face-track.type';

@ObjectType({
  description:
    "One person across a video: the tracks whose faces are close enough by their face descriptors (`Face.descriptor`'s model, on a few of each track's best frames) and never on screen at the same time. Exists within its job only: nothing identifies a person across jobs.",
})
export class VideoPerson {
  @Field(() => ID, { description: 'The person id, unique within its job (1, 2, … in order of first appearance).' })
  id!: string;

  @Field(() => [FaceTrack], { description: "The person's tracks, in order of their first frame." })
  tracks!: PersonTrack[];

  @Field(() => Int, { description: 'Analysed frames with this person.' })
  frameCount!: number;

  @Field(() => Float, { description: "Presentation time (seconds, the player's timeline) of the person's first face." })
  firstTime!: number;

  @Field(() => Float, { description: "Presentation time (seconds, the player's timeline) of the person's last face." })
  lastTime!: number;

  /** The person as the job holds it: `thumbnail` reads it. */
  data!: PersonData;
}

/** A track as the schema serves it: with the person it shows (the `person` field). */
export type PersonTrack = FaceTrack & { personObject?: VideoPerson };
