import type { NonEmptyArray } from 'type-graphql';
import { DetectLandmarksResolver } from './detect-landmarks.resolver';
import { FaceResolver } from './face.resolver';
import { ServiceInfoResolver } from './service-info.resolver';

/** Every resolver of the schema, listed explicitly (no glob discovery). */
export const resolvers: NonEmptyArray<Function> = [DetectLandmarksResolver, FaceResolver, ServiceInfoResolver];
