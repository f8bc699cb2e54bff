import { Field, Float, ID, Int, ObjectType } from 'type-graphql';
import { UserError } from '../errors/user-error.type';
import type { VideoJob as JobState } from '../../src/video/video-job';
import { VideoInfo } from './video-info.type';
import { VideoJobStatus } from './video-job-status.enum';
import type { PersonTrack, VideoPerson } from './video-person.type';

@ObjectType({
  description:
    'A video being analysed, or its result. Ask again with `videoJob(id)` until `status` has ended; results are kept for `VIDEO_RESULT_TTL_SECONDS`.',
})
export class VideoJob {
  @Field(() => ID, { description: 'The job id: only the API key that started the job can see it.' })
  id!: string;

  @Field(() => VideoJobStatus, { description: 'Where the job is.' })
  status!: VideoJobStatus;

  @Field(() => Float, { description: 'How much of the clip is analysed, 0..1 (1 when it succeeded).' })
  progress!: number;

  @Field(() => Int, { description: 'Frames analysed so far.' })
  framesAnalysed!: number;

  @Field(() => VideoInfo, { nullable: true, description: 'What was read from the file; null until it is read, or when it could not be.' })
  video!: VideoInfo | null;

  @Field(() => [UserError], { description: 'Why the job failed, or what it could not do (a clip that broke off); empty otherwise.' })
  userErrors!: UserError[];

  /** The job as its service holds it: `tracks` (a field resolver) reads the results from it on demand. */
  state!: JobState;

  /** The results as schema objects (video.resolver.ts), once read in this request. */
  graph?: Promise<{ tracks: PersonTrack[]; people: VideoPerson[] }>;
}
