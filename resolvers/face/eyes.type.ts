import { Field, Float, ObjectType } from 'type-graphql';

@ObjectType({ description: 'Where the eyes look, in degrees, with the head pose included (HeadPose conventions).' })
export class Gaze {
  @Field(() => Float, { description: "Left/right: 0 towards the camera, positive towards the image's right (the subject's left)." })
  yaw!: number;

  @Field(() => Float, { description: 'Up/down: 0 level, positive looking up.' })
  pitch!: number;
}

@ObjectType({
  description:
    "The eyes' state from the face mesh. Openness is the lid gap over the eye's corner-to-corner width (the eye aspect ratio) divided by 0.4, at most 1: an eye is open at 0.5 or more (a ratio of 0.2, the usual blink threshold), closed below. Left and right are image-left and image-right, as for the landmarks.",
})
export class Eyes {
  @Field(() => Float, { description: 'Openness of the image-left eye, 0 (closed) to 1 (wide open); open at 0.5 or more.' })
  leftOpenness!: number;

  @Field(() => Float, { description: 'Openness of the image-right eye, 0 (closed) to 1 (wide open); open at 0.5 or more.' })
  rightOpenness!: number;

  @Field(() => Gaze, {
    description:
      "Gaze direction: the head pose plus the pupils' mean turn within the eyes (from the irises' offset from the eye corners' midpoint, an eyeball radius of 0.42 eye widths). Expect errors of several degrees.",
  })
  gaze!: Gaze;
}
