import { Expression, EXPRESSIONS } from '../providers/embedded/engine-protocol';

export { Expression, EXPRESSIONS };

export interface ExpressionProbability {
  expression: Expression;
  probability: number;
}

/** Probabilities (in EXPRESSIONS order) by class, most likely first. */
export function rankExpressions(probabilities: readonly number[]): ExpressionProbability[] {
  return EXPRESSIONS.map((expression, i) => ({ expression, probability: probabilities[i] ?? 0 })).sort((a, b) => b.probability - a.probability);
}
