import { Field, ObjectType } from 'type-graphql';
import { Face } from '../face/face.type';
import { ImageInfo } from './image-info.type';
import { UserError } from '../errors/user-error.type';

@ObjectType({ description: 'The result for one image. Check `userErrors` first: when it is empty, `faces` is set (an empty list means no face was found).' })
export class DetectLandmarksPayload {
  @Field(() => [Face], {
    nullable: true,
    description: 'Every face found, most confident first; empty when there is none; null when the image could not be processed.',
  })
  faces!: Face[] | null;

  @Field(() => ImageInfo, { nullable: true, description: 'What was read from the image file; null when it could not be read.' })
  image!: ImageInfo | null;

  @Field(() => [UserError], { description: 'Why this image could not be processed; empty on success.' })
  userErrors!: UserError[];
}
