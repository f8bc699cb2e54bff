// Piscina worker: one FaceEngine (one model set) per thread, loaded before the first task.
import { FaceEngine, type EngineTask } from './face-engine';

export = FaceEngine.load().then((engine) => (task: EngineTask | 'tensor-count') =>
  task === 'tensor-count' ? engine.tensorCount() : engine.detect(task),
);
