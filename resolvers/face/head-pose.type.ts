import { Field, Float, ObjectType } from 'type-graphql';

@ObjectType({
  description:
    'Head orientation in degrees, estimated from the five points. Roll follows the eye line exactly; yaw and pitch assume average face proportions (expect errors of several degrees, more beyond 45 degrees).',
})
export class HeadPose {
  @Field(() => Float, { description: "Turn left/right: 0 facing the camera, positive when the face turns towards the image's right (the subject's left)." })
  yaw!: number;

  @Field(() => Float, { description: 'Nod: 0 level, positive when the face looks up.' })
  pitch!: number;

  @Field(() => Float, { description: 'In-plane tilt: 0 with level eyes, positive when the face is rotated clockwise in the image.' })
  roll!: number;
}
