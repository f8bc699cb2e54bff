import type { Config } from '../config';
import type { DetectionLoaders } from '../detection/detection-loaders';
import type { Providers } from '../providers/providers';
import type { ImageReading } from '../image/image-input';
import type { DetectionRequest } from '../detection/detection-request';
import type { VideoJobService } from '../video/video-job';
import type { VideoReading } from '../video/video-source';

/** Built fresh for every HTTP request, so loaders never share results across requests. */
export interface GraphQLContext {
  config: Config;
  providers: Providers;
  loaders: DetectionLoaders;
  /** How image inputs other than base64 are read (byte limit, URL fetcher). */
  imageReading: ImageReading;
  /** The HTTP request's record: client identity, rate limit, what to log. */
  record: GraphQLRequest;
  /** Video jobs (shared by every request), how video inputs are read, and the decoder's FFmpeg version (undefined if it did not start). */
  videos: { jobs: VideoJobService; reading: VideoReading; decoderVersion: () => Promise<string | undefined> };
}

/** What the GraphQL layer needs of the HTTP request: detection's needs, and the operation's name for the log. */
export interface GraphQLRequest extends DetectionRequest {
  operation?: string;
  /** Who is asking (a key's digest, or the address without keys): video jobs belong to it. */
  readonly client: string;
}
