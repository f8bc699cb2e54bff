// GraphQL subscriptions over graphql-ws on the same port and path as queries (Apollo Server's
// subscriptions recipe). The API key comes in the connection's `connectionParams` (browsers cannot
// set headers on a WebSocket) or in the upgrade request's headers; without one the connection closes.
import type http from 'node:http';
import type { GraphQLSchema } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import proxyAddress from 'proxy-addr';
import { WebSocketServer } from 'ws';
import { presentedKey, type ApiKeys } from '../access/api-keys';
import type { ImageRateLimiter } from '../access/image-rate-limiter';
import type { GraphQLContext } from '../graphql/context';
import { RequestRecord } from './request-record';

export interface Subscriptions {
  /** Closes every socket; called when the server drains. */
  dispose(): Promise<void>;
}

export function serveSubscriptions(
  httpServer: http.Server,
  schema: GraphQLSchema,
  access: { keys: ApiKeys; limiter: ImageRateLimiter; trustProxy: (address: string, hop: number) => boolean },
  contextFor: (record: RequestRecord) => GraphQLContext,
): Subscriptions {
  // noServer: upgrades are handed over here, so the HTTP server's own errors (a port in use) stay its own.
  const wsServer = new WebSocketServer({ noServer: true });
  httpServer.on('upgrade', (request, socket, head) => {
    if (new URL(request.url ?? '/', 'http://localhost').pathname !== '/graphql') return void socket.destroy();
    wsServer.handleUpgrade(request, socket, head, (ws) => wsServer.emit('connection', ws, request));
  });
  const clientOf = (params: Record<string, unknown> | undefined, request: http.IncomingMessage) => {
    const fromParams = (name: string) => {
      const value = params?.[name] ?? params?.[name.replace(/^./, (c) => c.toUpperCase())];
      return typeof value === 'string' ? value : undefined;
    };
    const fromHeaders = (name: string) => request.headers[name] as string | undefined;
    // The address as Express sees it (TRUST_PROXY applied), so an open server's HTTP and WebSocket callers match.
    return access.keys.client(presentedKey(fromParams) ?? presentedKey(fromHeaders), proxyAddress(request, access.trustProxy));
  };
  const cleanup = useServer<Record<string, unknown>, { client?: string }>(
    {
      schema,
      // A missing or unknown key closes the connection with 4403 Forbidden.
      onConnect: (ctx) => {
        const client = clientOf(ctx.connectionParams, ctx.extra.request);
        if (!client) return false;
        ctx.extra.client = client;
        return true;
      },
      context: (ctx) => contextFor(new RequestRecord(ctx.extra.client!, new AbortController().signal, access.limiter)),
    },
    wsServer,
  );
  return { dispose: () => cleanup.dispose() as Promise<void> };
}
