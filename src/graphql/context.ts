import type { Config } from '../config';
import type { DetectionLoaders } from '../detection/detection-loaders';
import type { LandmarkProvider } from '../providers/provider';

/** Built fresh for every HTTP request, so loaders never share results across requests. */
export interface GraphQLContext {
  config: Config;
  provider: LandmarkProvider;
  loaders: DetectionLoaders;
}
