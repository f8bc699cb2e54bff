/** Facial expression classes, in the order the engine reports their probabilities. */
export const EXPRESSIONS = ['neutral', 'happy', 'sad', 'angry', 'fearful', 'disgusted', 'surprised'] as const;

export type ExpressionName = (typeof EXPRESSIONS)[number];

export interface ExpressionProbability {
  expression: ExpressionName;
  probability: number;
}

/** Probabilities by class, most likely first. */
export function rankExpressions(probabilities: readonly number[]): ExpressionProbability[] {
  return EXPRESSIONS.map((expression, i) => ({ expression, probability: probabilities[i] })).sort((a, b) => b.probability - a.probability);
}
