import { registerEnumType } from 'type-graphql';
import { Expression } from '../../src/detection/expressions';

registerEnumType(Expression, {
  name: 'Expression',
  description: "A facial expression class of the embedded expression model (face-api's, trained on the seven basic expressions).",
  valuesConfig: {
    NEUTRAL: { description: 'No marked expression.' },
    HAPPY: { description: 'Smiling, laughing.' },
    SAD: { description: 'Sadness.' },
    ANGRY: { description: 'Anger.' },
    FEARFUL: { description: 'Fear.' },
    DISGUSTED: { description: 'Disgust.' },
    SURPRISED: { description: 'Surprise.' },
  },
});

export { Expression };
