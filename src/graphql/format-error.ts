import type { GraphQLFormattedError } from 'graphql';
import { unwrapResolverError } from '@apollo/server/errors';
import { describeError, log } from '../logger';

/**
 * Unexpected exceptions reach clients as a bare INTERNAL_SERVER_ERROR: their message may carry
 * paths, library internals or secrets. They are logged here instead.
 */
export function formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  if (formatted.extensions?.code !== 'INTERNAL_SERVER_ERROR') return formatted;
  const original = unwrapResolverError(error);
  log.error('unexpected error', { error: describeError(original) });
  return { message: 'Internal server error.', locations: formatted.locations, path: formatted.path, extensions: { code: 'INTERNAL_SERVER_ERROR' } };
}
