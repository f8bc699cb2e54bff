import { Field, Int, ObjectType } from 'type-graphql';
import { ImageFileFormat } from '../detection/image-file-format.enum';
import { ProviderName } from '../detection/provider-name.enum';

@ObjectType({ description: 'Limits in force on this server. Requests beyond them get typed errors.' })
export class ServiceLimits {
  @Field(() => Int, { description: 'Largest accepted image file, in bytes (after base64 decoding).' })
  maxImageBytes!: number;

  @Field(() => Int, { description: 'Largest accepted image, in pixels (width x height), checked before decoding.' })
  maxImagePixels!: number;

  @Field(() => Int, { description: 'Most images accepted by one `detectLandmarksBatch` call.' })
  maxBatchSize!: number;

  @Field(() => Int, { description: 'Largest HTTP request body, in bytes; a bigger request is refused with HTTP 413.' })
  maxRequestBytes!: number;

  @Field(() => Int, { description: 'Largest accepted value of `DetectionOptions.maxFaces`.' })
  maxFaces!: number;

  @Field(() => Int, { description: 'Most images one `averageFaces` call takes (`MAX_COMPOSE_IMAGES`).' })
  maxComposeImages!: number;
}

@ObjectType({ description: 'What this server is and how it is configured.' })
export class ServiceInfo {
  @Field(() => String, { description: 'The facemark version (semver).' })
  version!: string;

  @Field(() => ProviderName, { description: 'The landmark provider used when `DetectionOptions.provider` is not set.' })
  provider!: ProviderName;

  @Field(() => [ProviderName], { description: 'Every provider enabled on this server; `DetectionOptions.provider` may name any of them.' })
  providers!: ProviderName[];

  @Field(() => Boolean, { description: 'True once every enabled provider is loaded and warmed up.' })
  ready!: boolean;

  @Field(() => [ImageFileFormat], { description: 'Image file formats this server decodes.' })
  supportedFormats!: ImageFileFormat[];

  @Field(() => ServiceLimits, { description: 'Limits in force.' })
  limits!: ServiceLimits;
}
