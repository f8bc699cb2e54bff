import type { GraphQLFormattedError } from 'graphql';
import { unwrapResolverError } from '@apollo/server/errors';

/**
 * Unexpected exceptions reach clients as a bare INTERNAL_SERVER_ERROR: their message may carry
 * paths, library internals or secrets. They are logged here instead.
 */
export function formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  if (formatted.extensions?.code !== 'INTERNAL_SERVER_ERROR') return formatted;
  const original = unwrapResolverError(error);
  console.error(JSON.stringify({ level: 'error', msg: 'unexpected error', error: original instanceof Error ? original.stack : String(original) }));
  return { message: 'Internal server error.', locations: formatted.locations, path: formatted.path, extensions: { code: 'INTERNAL_SERVER_ERROR' } };
}
