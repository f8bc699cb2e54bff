import { Ctx, Query, Resolver } from 'type-graphql';
import { MAX_FACES_LIMIT } from '../../src/detection/detection-options';
import type { GraphQLContext } from '../../src/graphql/context';
import { ImageFileFormat } from '../detection/image-file-format.enum';
import { ProviderName } from '../detection/provider-name.enum';
import { ServiceInfo } from './service-info.type';
import { SERVICE_VERSION } from '../../src/version';

@Resolver()
export class ServiceInfoResolver {
  @Query(() => ServiceInfo, { description: 'What this server is: version, provider and the limits in force.' })
  async serviceInfo(@Ctx() ctx: GraphQLContext): Promise<ServiceInfo> {
    const { limits } = ctx.config;
    return {
      videoDecoder: await ctx.videos.decoderVersion,
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
      },
    };
  }
}
