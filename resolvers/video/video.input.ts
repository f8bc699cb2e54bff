import { Field, InputType } from 'type-graphql';
import { GraphQLUpload } from 'graphql-upload-minimal';
import type { UploadedFile } from '../../src/image/image-input';

// Marked @oneOf in resolvers/index.ts (type-graphql has no option for it).
@InputType({ description: 'A video file to analyse. Exactly one source must be set (a @oneOf input).' })
export class VideoInput {
  @Field(() => GraphQLUpload, {
    nullable: true,
    description:
      'The file itself, sent as a GraphQL multipart request with an `Apollo-Require-Preflight: true` header; streamed to disk up to `MAX_VIDEO_BYTES`. MP4/MOV (H.264, H.265), WebM (VP8, VP9, AV1), MKV, AVI or an animated GIF.',
  })
  upload?: Promise<UploadedFile> | null;

  @Field(() => String, {
    nullable: true,
    description: 'An http(s) URL the server fetches the video from, with the same guard as image URLs (public addresses only), up to `MAX_VIDEO_BYTES`.',
  })
  url?: string | null;
}
