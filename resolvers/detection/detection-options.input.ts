import { Field, Float, InputType, Int } from 'type-graphql';
import { ProviderName } from './provider-name.enum';
import { DEFAULT_MAX_FACES, DEFAULT_MIN_CONFIDENCE, DEFAULT_MIN_FACE_SIZE, MAX_FACES_LIMIT, MIN_FACE_SIZE_LIMIT } from '../../src/detection/detection-options';

@InputType({ description: 'Tuning for one detection call. Out-of-range values give an INVALID_OPTION user error.' })
export class DetectionOptions {
  @Field(() => Float, {
    nullable: true,
    description: `Smallest detector confidence (0..1) for a face to be returned. Default ${DEFAULT_MIN_CONFIDENCE}. Lower finds more small and partly hidden faces and more false ones.`,
  })
  minConfidence?: number | null;

  @Field(() => Int, {
    nullable: true,
    description: `Most faces to return (1..${MAX_FACES_LIMIT}), the most confident first. Default ${DEFAULT_MAX_FACES}.`,
  })
  maxFaces?: number | null;

  @Field(() => Int, {
    nullable: true,
    description: `Narrowest face to look for, in pixels of the picture as sent (at least ${MIN_FACE_SIZE_LIMIT}). Default ${DEFAULT_MIN_FACE_SIZE}. On a large picture the embedded engine looks again, in tiles, for faces too small for its detector's first look; a larger value skips that look where it is not needed, and is faster. MXFace ignores it.`,
  })
  minFaceSize?: number | null;

  @Field(() => ProviderName, {
    nullable: true,
    description: 'Which provider answers: any of `serviceInfo.providers`. Default: `serviceInfo.provider`.',
  })
  provider?: ProviderName | null;
}
