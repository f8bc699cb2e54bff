import { buildFacemarkSchema } from '../../resolvers';
import { loadConfig, type Config } from '../../src/config';
import { configureLogging } from '../../src/logger';
import { createProviders } from '../../src/providers/create-providers';
import type { FaceAnalyser, FaceDetector } from '../../src/providers/provider';
import { Providers } from '../../src/providers/providers';
import { startServer, type FacemarkServer } from '../../src/server/create-server';

export interface TestServer extends FacemarkServer {
  config: Config;
  providers: Providers;
  /** POSTs a GraphQL operation as a browser-less client would. */
  graphql(query: string, variables?: Record<string, unknown>): Promise<{ status: number; body: GraphQLBody }>;
  /** The faces a detectLandmarks document (with `$image`, and any other `variables`) answers for one photo; fails the test on any error or user error. */
  faces<Face>(query: string, base64: string, variables?: Record<string, unknown>): Promise<Face[]>;
}

export interface GraphQLBody {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read responses loosely
  data?: any;
  errors?: Array<{ message: string; extensions?: Record<string, unknown> }>;
}

/** A real server on a loopback port with the providers the environment configures, or the ones given. */
export async function startTestServer(
  env: Record<string, string> = {},
  /** start: false shares the given providers of another server, which starts and closes them; otherwise stop() closes them. */
  options: { provider?: FaceDetector; analyser?: FaceAnalyser; start?: boolean } = {},
): Promise<TestServer> {
  // No rate limit unless a test sets one: suites send hundreds of images from one address.
  const config = loadConfig({ NODE_ENV: 'test', HOST: '127.0.0.1', PORT: '0', WORKER_THREADS: '2', RATE_LIMIT_IMAGES: '0', LOG_LEVEL: 'error', ...env });
  configureLogging({ level: config.logLevel, pretty: false });
  const providers = options.provider ? new Providers(options.provider, [], options.analyser) : createProviders(config);
  const server = await startServer(config, providers, buildFacemarkSchema());
  if (options.start !== false) await providers.start();
  const graphql: TestServer['graphql'] = async (query, variables) => {
    const response = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query, variables }),
    });
    return { status: response.status, body: (await response.json()) as GraphQLBody };
  };
  const owned = options.start !== false;
  return {
    ...server,
    stop: () => server.stop().then(() => (owned ? providers.close() : undefined)),
    config,
    providers,
    graphql,
    faces: async (query, base64, variables = {}) => {
      const { body } = await graphql(query, { ...variables, image: { base64 } });
      expect(body.errors).toBeUndefined();
      expect(body.data.detectLandmarks.userErrors ?? []).toEqual([]);
      return body.data.detectLandmarks.faces;
    },
  };
}

export const DETECT = /* GraphQL */ `
  mutation Detect($image: ImageInput!, $options: DetectionOptions) {
    detectLandmarks(image: $image, options: $options) {
      faces {
        rectangle {
          x
          y
          width
          height
        }
        confidence
        quality
        landmarks {
          type
          point {
            x
            y
          }
        }
      }
      image {
        width
        height
        format
        orientation
        byteLength
        sha256
      }
      userErrors {
        code
        message
        field
      }
    }
  }
`;

export const DETECT_BATCH = /* GraphQL */ `
  mutation DetectBatch($images: [ImageInput!]!, $options: DetectionOptions) {
    detectLandmarksBatch(images: $images, options: $options) {
      faces {
        rectangle {
          x
          y
          width
          height
        }
        confidence
        landmarks {
          type
          point {
            x
            y
          }
        }
      }
      image {
        width
        height
        format
        sha256
      }
      userErrors {
        code
        message
        field
      }
    }
  }
`;
