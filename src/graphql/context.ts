import type { Config } from '../config';
import type { DetectionLoaders } from '../detection/detection-loaders';
import type { Providers } from '../providers/providers';

/** Built fresh for every HTTP request, so loaders never share results across requests. */
export interface GraphQLContext {
  config: Config;
  providers: Providers;
  loaders: DetectionLoaders;
}
