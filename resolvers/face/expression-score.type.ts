import { Field, Float, ObjectType } from 'type-graphql';
import { Expression } from './expression.enum';

@ObjectType({ description: 'How likely the face shows one expression.' })
export class ExpressionScore {
  @Field(() => Expression, { description: 'The expression.' })
  expression!: Expression;

  @Field(() => Float, { description: 'Probability, 0..1; the seven of a face sum to 1.' })
  probability!: number;
}
