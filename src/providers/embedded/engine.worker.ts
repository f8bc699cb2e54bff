// Piscina worker: one FaceEngine (one model set) per thread, loaded before the first task.
import { FaceEngine, type DescriptorsTask, type EngineTask, type ExpressionsTask, type LandmarksTask, type WarpTask } from './face-engine';

type Task = EngineTask | LandmarksTask | ExpressionsTask | WarpTask | DescriptorsTask | 'tensor-count';

export = FaceEngine.load().then((engine) => async (task: Task) => {
  if (task === 'tensor-count') return engine.tensorCount();
  if (!('kind' in task)) return engine.detect(task);
  switch (task.kind) {
    case 'landmarks':
      return engine.landmarksFor(task);
    case 'expressions':
      return engine.expressionsFor(task);
    case 'warp':
      return engine.warp(task);
    case 'descriptors':
      return engine.descriptorsFor(task);
  }
});
