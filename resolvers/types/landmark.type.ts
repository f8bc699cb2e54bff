import { Field, ObjectType } from 'type-graphql';
import { LandmarkType } from '../enums/landmark-type.enum';
import { Point } from './point.type';

@ObjectType({ description: 'One named facial feature point.' })
export class Landmark {
  @Field(() => LandmarkType, { description: 'Which feature this point marks.' })
  type!: LandmarkType;

  @Field(() => Point, { description: 'Where the feature is, in upright-image pixels.' })
  point!: Point;
}
