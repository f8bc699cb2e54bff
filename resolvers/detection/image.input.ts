import { Field, InputType } from 'type-graphql';

// Marked @oneOf in build-schema.ts (type-graphql has no option for it): more sources will join `base64`.
@InputType({ description: 'An image file to analyse. Exactly one source must be set (a @oneOf input).' })
export class ImageInput {
  @Field(() => String, {
    nullable: true,
    description:
      'The file bytes as base64 (standard or URL-safe alphabet, padding optional), or a `data:<type>;base64,...` URL. JPEG, PNG, WebP, GIF, TIFF, AVIF or BMP.',
  })
  base64?: string | null;
}
