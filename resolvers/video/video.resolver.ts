import { GraphQLError } from 'graphql';
import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root, Subscription, type SubscribeResolverData } from 'type-graphql';
import { ErrorCode, fieldFailure, UserFacingError } from '../../src/errors';
import { resolveDetectionSettings } from '../../src/detection/detection-options';
import type { GraphQLContext } from '../../src/graphql/context';
import type { FaceTrackData, TrackedFaceData } from '../../src/video/video-analysis';
import type { VideoJob as JobState } from '../../src/video/video-job';
import { removeVideoFile, saveVideoInput } from '../../src/video/video-source';
import { ProviderName } from '../detection/provider-name.enum';
import { AnalyzeVideoPayload } from './analyze-video.payload';
import { FaceTrack } from './face-track.type';
import { TrackedFace } from './tracked-face.type';
import { VideoInput } from './video.input';
import { VideoJob } from './video-job.type';
import { VideoJobStatus } from './video-job-status.enum';
import { VideoOptions } from './video-options.input';
import { VideoPerson, type PersonTrack } from './video-person.type';
import { peopleOf } from '../../src/video/video-people';

@Resolver(() => VideoJob)
export class VideoJobResolver {
  @Mutation(() => AnalyzeVideoPayload, {
    description:
      'Starts a job that finds every face in every frame of a video (or `sampleFps` frames a second), tracks each person across frames and smooths their points. Follow it with `videoJob(id)`.',
  })
  async analyzeVideo(
    @Arg('video', () => VideoInput, { description: 'The video file.' }) video: VideoInput,
    @Arg('options', () => VideoOptions, { nullable: true, description: 'Sampling, detection and smoothing; defaults apply when omitted.' })
    options: VideoOptions | null,
    @Ctx() ctx: GraphQLContext,
  ): Promise<AnalyzeVideoPayload> {
    let file: string | undefined;
    try {
      const request = videoRequest(options, ctx);
      file = await saveVideoInput(video, ctx.videos.reading);
      const job = await ctx.videos.jobs.start({ owner: ctx.record.client, file, ...request });
      file = undefined; // the job owns it now
      return { job: toGraphQL(job), userErrors: [] };
    } catch (error) {
      if (file) await removeVideoFile(file);
      if (error instanceof UserFacingError) {
        ctx.record.noteUserError(error.code);
        return { job: null, userErrors: [{ code: error.code, message: error.message, field: error.field }] };
      }
      throw error;
    }
  }

  @Mutation(() => VideoJob, {
    nullable: true,
    description:
      'Stops a queued or running job (no more frames are decoded for it); an ended job is returned as it ended. Null for a job this API key cannot see.',
  })
  async cancelVideoJob(@Arg('id', () => ID, { description: 'The job id.' }) id: string, @Ctx() ctx: GraphQLContext): Promise<VideoJob | null> {
    const job = await typed(ctx.videos.jobs.cancel(id, ctx.record.client));
    return job ? toGraphQL(job) : null;
  }

  @Subscription(() => VideoJob, {
    name: 'videoJob',
    description:
      'A video job as it runs (graphql-ws on /graphql): its state at once, then an event at least once a second while it runs, then its final state, after which the subscription ends. An id this API key cannot see is an error.',
    subscribe: async ({ args, context }: SubscribeResolverData<unknown, { id: string }, GraphQLContext>) => {
      const updates = await typed(context.videos.jobs.updates(args.id, context.record.client));
      if (!updates) throw new GraphQLError('No video job with this id for this API key (it may have expired).', { extensions: { code: 'NOT_FOUND' } });
      return (async function* () {
        for await (const job of updates) yield toGraphQL(job);
      })();
    },
  })
  videoJobUpdates(@Root() job: VideoJob, @Arg('id', () => ID, { description: 'The job id.' }) _id: string): VideoJob {
    return job;
  }

  @Query(() => VideoJob, { nullable: true, description: "A video job started with this API key; null for any other id (unknown, expired, or another key's)." })
  async videoJob(@Arg('id', () => ID, { description: 'The job id.' }) id: string, @Ctx() ctx: GraphQLContext): Promise<VideoJob | null> {
    const job = await typed(ctx.videos.jobs.get(id, ctx.record.client));
    return job ? toGraphQL(job) : null;
  }

  @FieldResolver(() => [FaceTrack], { description: 'Every face track, in the order the faces first appeared; empty until the job has succeeded.' })
  async tracks(@Root() job: VideoJob): Promise<PersonTrack[]> {
    return (await jobGraph(job)).tracks;
  }

  @FieldResolver(() => [VideoPerson], {
    description:
      'The people in the video, in order of first appearance: each track belongs to exactly one. Empty until the job has succeeded. docs/video.md says how tracks are linked and what a person id can and cannot tell.',
  })
  async people(@Root() job: VideoJob): Promise<VideoPerson[]> {
    return (await jobGraph(job)).people;
  }
}

/** The job's tracks and people as schema objects linked both ways, read once per request and job. */
function jobGraph(job: VideoJob): Promise<{ tracks: PersonTrack[]; people: VideoPerson[] }> {
  return (job.graph ??= typed(job.state.tracks()).then((all) => {
    const tracks = new Map<FaceTrackData, PersonTrack>(
      all.map((data) => [data, { id: data.id, firstFrame: data.faces[0]!.frame, lastFrame: data.faces.at(-1)!.frame, frameCount: data.faces.length, data }]),
    );
    const people = peopleOf(all).map((data) => {
      const person: VideoPerson = { ...data, tracks: data.tracks.map((t) => tracks.get(t)!), data };
      for (const track of person.tracks) track.personObject = person;
      return person;
    });
    return { tracks: [...tracks.values()], people };
  }));
}

@Resolver(() => FaceTrack)
export class FaceTrackResolver {
  @FieldResolver(() => VideoPerson, {
    description: 'The person this track shows; several tracks (split by cuts or by the face lost from view) can show one person.',
  })
  person(@Root() track: PersonTrack): VideoPerson {
    return track.personObject!;
  }

  @FieldResolver(() => [TrackedFace], { description: 'The face in each analysed frame of the track, in frame order; a frame range pages a long track.' })
  faces(
    @Root() track: FaceTrack,
    @Arg('fromFrame', () => Int, { nullable: true, description: 'First frame to include (stream index); default: the first.' }) fromFrame: number | null,
    @Arg('toFrame', () => Int, { nullable: true, description: 'Last frame to include; default: the last.' }) toFrame: number | null,
  ): TrackedFaceData[] {
    return track.data.faces.filter((f) => f.frame >= (fromFrame ?? -Infinity) && f.frame <= (toFrame ?? Infinity));
  }
}

function videoRequest(options: VideoOptions | null, ctx: GraphQLContext) {
  const settings = resolveDetectionSettings(
    { minConfidence: options?.minConfidence, maxFaces: options?.maxFaces, minFaceSize: options?.minFaceSize, provider: ProviderName.EMBEDDED },
    ctx.providers,
  );
  const detector = ctx.providers.get(ProviderName.EMBEDDED);
  const analyser = ctx.providers.analyser;
  if (!detector || !analyser) {
    throw new UserFacingError(
      ErrorCode.VIDEO_NOT_SUPPORTED_BY_PROVIDER,
      'Video is analysed by the embedded engine, which this server has disabled (EMBEDDED_ENABLED=false); the MXFace cloud takes photos only.',
    );
  }
  const sampleFps = options?.sampleFps ?? undefined;
  if (sampleFps !== undefined && !(sampleFps > 0 && sampleFps <= 240)) {
    throw new UserFacingError(ErrorCode.INVALID_OPTION, `sampleFps must be above 0 and at most 240 (got ${sampleFps}).`, ['options', 'sampleFps']);
  }
  return { settings, detector, analyser, sampleFps, smoothing: options?.smoothing ?? true };
}

/** A job service's typed failure (its queue unreachable) as the field's error, with its code. */
async function typed<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if (error instanceof UserFacingError) throw fieldFailure(error.code, error.message);
    throw error;
  }
}

function toGraphQL(job: JobState): VideoJob {
  return {
    id: job.id,
    status: job.status as VideoJobStatus,
    progress: job.progress,
    framesAnalysed: job.framesAnalysed,
    video: job.video ?? null,
    userErrors: job.userErrors.map((e) => ({ code: e.code, message: e.message, field: e.field })),
    state: job,
  };
}
