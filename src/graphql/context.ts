import type { Config } from '../config';
import type { DetectionLoaders } from '../detection/detection-loaders';
import type { Providers } from '../providers/providers';
import type { ImageReading } from '../image/image-input';
import type { RequestRecord } from '../server/request-record';

/** Built fresh for every HTTP request, so loaders never share results across requests. */
export interface GraphQLContext {
  config: Config;
  providers: Providers;
  loaders: DetectionLoaders;
  /** How image inputs other than base64 are read (byte limit, URL fetcher). */
  imageReading: ImageReading;
  /** The HTTP request's record: client identity, rate limit, what to log. */
  record: RequestRecord;
}
