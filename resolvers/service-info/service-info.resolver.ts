import { Ctx, FieldResolver, Query, Resolver } from 'type-graphql';
import { MAX_FACES_LIMIT } from '../../src/detection/detection-options';
import type { GraphQLContext } from '../../src/graphql/context';
import { ImageFileFormat } from '../detection/image-file-format.enum';
import { ProviderName } from '../detection/provider-name.enum';
import { ServiceInfo } from './service-info.type';
import { SERVICE_VERSION } from '../../src/version';

@Resolver(() => ServiceInfo)
export class ServiceInfoResolver {
  @Query(() => ServiceInfo, { description: 'What this server is: version, provider and the limits in force.' })
  serviceInfo(@Ctx() ctx: GraphQLContext): ServiceInfo {
    const { limits } = ctx.config;
    return {
      version: SERVICE_VERSION,
      provider: ctx.providers.defaultProvider.name as ProviderName,
      providers: ctx.providers.names as ProviderName[],
      ready: ctx.providers.isReady(),
      supportedFormats: Object.values(ImageFileFormat),
      limits: {
        maxImageBytes: limits.maxImageBytes,
        maxImagePixels: limits.maxImagePixels,
        maxBatchSize: limits.maxBatchSize,
        maxRequestBytes: limits.bodyLimitBytes,
        maxFaces: MAX_FACES_LIMIT,
        maxComposeImages: limits.maxComposeImages,
      },
    };
  }

  // Read from a decoder process the first time a client asks, not at every start.
  @FieldResolver(() => String, {
    nullable: true,
    description:
      "The version of the FFmpeg libraries that probe and decode videos (node-av's build, in a process of their own), e.g. `8.1-Jellyfin`; null when the decoder could not be started.",
  })
  videoDecoder(@Ctx() ctx: GraphQLContext): Promise<string | undefined> {
    return ctx.videos.decoderVersion();
  }
}
