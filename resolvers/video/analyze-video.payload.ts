import { Field, ObjectType } from 'type-graphql';
import { UserError } from '../errors/user-error.type';
import { VideoJob } from './video-job.type';

@ObjectType({ description: 'The job started for a video. Check `userErrors` first: when it is empty, `job` is set.' })
export class AnalyzeVideoPayload {
  @Field(() => VideoJob, { nullable: true, description: 'The new job (QUEUED or RUNNING); null when the video was refused.' })
  job!: VideoJob | null;

  @Field(() => [UserError], { description: 'Why the video was refused (too large, not a video, bad options...); empty on success.' })
  userErrors!: UserError[];
}
