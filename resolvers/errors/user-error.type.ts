import { Field, ObjectType } from 'type-graphql';
import { ErrorCode } from './error-code.enum';

@ObjectType({
  description: 'An expected failure for one image (bad input, upstream down...). Malformed requests and server bugs are top-level GraphQL errors instead.',
})
export class UserError {
  @Field(() => ErrorCode, { description: 'Machine-readable reason: switch on this.' })
  code!: ErrorCode;

  @Field(() => String, { description: 'Human-readable explanation, safe to show to a person.' })
  message!: string;

  @Field(() => [String], { nullable: true, description: 'Path to the argument at fault, e.g. ["images", "2", "base64"] or ["options", "maxFaces"].' })
  field?: string[];
}
