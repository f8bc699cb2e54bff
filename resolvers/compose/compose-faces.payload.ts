import { Field, ObjectType } from 'type-graphql';
import { UserError } from '../errors/user-error.type';
import { ComposedFace } from './composed-face.type';

@ObjectType({ description: 'The result of a face average or morph. Check `userErrors` first: when it is empty, `face` is set.' })
export class ComposeFacesPayload {
  @Field(() => ComposedFace, { nullable: true, description: 'The composed face; null when any input failed (no partial result).' })
  face!: ComposedFace | null;

  @Field(() => [UserError], { description: 'Every input\'s failure (`field` names it: ["images", "N"], ["from"], ["to"]) and bad options; empty on success.' })
  userErrors!: UserError[];
}
