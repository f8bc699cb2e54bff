import { registerEnumType } from 'type-graphql';

export enum LandmarkScheme {
  FIVE_POINT = 'FIVE_POINT',
  IBUG_68 = 'IBUG_68',
  MEDIAPIPE_478 = 'MEDIAPIPE_478',
}

registerEnumType(LandmarkScheme, {
  name: 'LandmarkScheme',
  description: 'Which set of landmark points to return.',
  valuesConfig: {
    FIVE_POINT: { description: "MXFace's five: eye centres, nose tip, mouth corners (index 0-4 in that order)." },
    IBUG_68: {
      description:
        "The 68 points of the iBUG 300-W scheme, in its order (index 0-67), taken from the MediaPipe mesh (see the README for the index map). The jaw points (0-16) follow the mesh's face oval, which runs higher on the cheeks than the iBUG jaw line. For MXFace faces the mesh is computed by the embedded engine on MXFace's box and eyes; empty when the embedded engine is disabled.",
    },
    MEDIAPIPE_478: {
      description:
        "MediaPipe's refined face mesh (index 0-477 in MediaPipe's order): 468 surface points with refined eyes and lips, then the image-left iris (468 its centre, 469-472 its edge) and the image-right iris (473 centre, 474-477 edge). Every point has a `z`. Empty when the embedded engine is disabled.",
    },
  },
});
