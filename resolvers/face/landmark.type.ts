import { Field, Int, ObjectType } from 'type-graphql';
import { FaceRegion } from './face-region.enum';
import { LandmarkType } from './landmark-type.enum';
import { Point } from './point.type';

@ObjectType({ description: 'One facial feature point.' })
export class Landmark {
  @Field(() => LandmarkType, { description: 'Which feature this point marks.' })
  type!: LandmarkType;

  @Field(() => Int, { description: 'Position in its scheme: 0-4 for FIVE_POINT, 0-67 (iBUG 300-W order) for IBUG_68.' })
  index!: number;

  @Field(() => FaceRegion, { description: 'The part of the face the point belongs to.' })
  region!: FaceRegion;

  @Field(() => Point, { description: 'Where the feature is, in upright-image pixels.' })
  point!: Point;
}
