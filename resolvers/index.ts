import 'reflect-metadata';
import { GraphQLInputObjectType, printSchema, type GraphQLSchema } from 'graphql';
import { createPubSub } from '@graphql-yoga/subscription';
import { buildSchemaSync, type NonEmptyArray } from 'type-graphql';
import { ComposedFaceResolver, ComposeFacesResolver } from './compose/compose-faces.resolver';
import { DetectLandmarksResolver } from './detection/detect-landmarks.resolver';
import { FaceResolver } from './face/face.resolver';
import { ServiceInfoResolver } from './service-info/service-info.resolver';
import { TrackedFaceResolver } from './video/tracked-face.resolver';
import { FaceTrackResolver, VideoJobResolver } from './video/video.resolver';
import { VideoPersonResolver } from './video/video-person.resolver';

/** Every resolver of the schema, listed explicitly (no glob discovery). */
export const resolvers: NonEmptyArray<Function> = [
  DetectLandmarksResolver,
  FaceResolver,
  ComposeFacesResolver,
  ComposedFaceResolver,
  ServiceInfoResolver,
  VideoJobResolver,
  FaceTrackResolver,
  VideoPersonResolver,
  TrackedFaceResolver,
];

// Input objects that accept exactly one of their fields (type-graphql cannot declare @oneOf).
const ONE_OF_INPUTS = ['ImageInput', 'VideoInput'];

let cached: GraphQLSchema | undefined;

/** The executable schema, built once per process from the decorated classes. */
export function buildFacemarkSchema(): GraphQLSchema {
  if (cached) return cached;
  // Subscriptions bring their own event streams (`subscribe`); type-graphql still wants a PubSub.
  const schema = buildSchemaSync({ resolvers, validate: false, pubSub: createPubSub() });
  for (const name of ONE_OF_INPUTS) {
    const type = schema.getType(name);
    if (!(type instanceof GraphQLInputObjectType)) throw new Error(`${name} is not an input type`);
    type.isOneOf = true;
  }
  // Root types have no decorator to carry a description.
  schema.getQueryType()!.description = 'Questions that change nothing: this server, and detection as a query for client caches.';
  schema.getMutationType()!.description =
    'Face detection and composition: every call does fresh, costly work on the images sent; video jobs start and stop here.';
  schema.getSubscriptionType()!.description = 'Live updates over graphql-ws on /graphql: video jobs as they run.';
  cached = schema;
  return schema;
}

/** The schema as SDL, exactly as committed in schema.graphql. */
export function schemaSdl(): string {
  return `${printSchema(buildFacemarkSchema())}\n`;
}
