import { ArgsType, Field } from 'type-graphql';
import { DetectionOptions } from './detection-options.input';
import { ImageInput } from './image.input';

/** The arguments of detectLandmarks, the mutation and its query twin alike. */
@ArgsType()
export class DetectLandmarksArgs {
  @Field(() => ImageInput, { description: 'The image file.' })
  image!: ImageInput;

  @Field(() => DetectionOptions, { nullable: true, description: 'Detection tuning; defaults apply when omitted.' })
  options?: DetectionOptions | null;
}
