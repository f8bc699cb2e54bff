import { Field, InputType } from 'type-graphql';
import { GraphQLUpload } from 'graphql-upload-minimal';
import type { UploadedFile } from '../../src/image/image-input';

// Marked @oneOf in resolvers/index.ts (type-graphql has no option for it).
@InputType({ description: 'An image file to analyse. Exactly one source must be set (a @oneOf input).' })
export class ImageInput {
  @Field(() => String, {
    nullable: true,
    description:
      'The file bytes as base64 (standard or URL-safe alphabet, padding optional), or a `data:<type>;base64,...` URL. JPEG, PNG, WebP, GIF, TIFF, AVIF or BMP.',
  })
  base64?: string | null;

  @Field(() => GraphQLUpload, {
    nullable: true,
    description:
      'The file itself, sent as a GraphQL multipart request (https://github.com/jaydenseric/graphql-multipart-request-spec) with an `Apollo-Require-Preflight: true` header; read up to `serviceInfo.limits.maxImageBytes`.',
  })
  upload?: Promise<UploadedFile> | null;

  @Field(() => String, {
    nullable: true,
    description:
      'An http(s) URL the server fetches the image from. Only public addresses are fetched (no loopback, private, link-local or metadata addresses, also through DNS and redirects); at most `maxImageBytes`, within a time limit.',
  })
  url?: string | null;
}
