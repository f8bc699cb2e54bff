import 'reflect-metadata';
// The service's entry point and composition root: configuration, providers, schema, server.
import { buildFacemarkSchema } from '../resolvers';
import { ConfigError, loadConfig, type Config } from '../src/config';
import { configureLogging, describeError, log } from '../src/logger';
import { createProviders } from '../src/providers/create-providers';
import { startServer } from '../src/server/create-server';

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(2);
    }
    throw error;
  }
  // Readable lines for a person at a terminal in development; JSON for everything else.
  configureLogging({ level: config.logLevel, pretty: config.env === 'development' && process.stdout.isTTY });
  const providers = createProviders(config);
  const server = await startServer(config, providers, buildFacemarkSchema());
  log.info('listening', { url: `${server.url}/graphql`, providers: providers.names, defaultProvider: config.provider });
  // Exits only once the server and the engine's threads have stopped: a process that ends while
  // native engine threads run can crash instead of exiting with its code.
  const stop = (exitCode: number) => {
    const timer = setTimeout(() => {
      log.error('shutdown timed out');
      process.exit(1);
    }, config.shutdownTimeoutMs);
    timer.unref();
    server
      .stop()
      .then(() => providers.close())
      .then(
        () => process.exit(exitCode),
        (error: unknown) => {
          log.error('shutdown failed', { error: describeError(error) });
          process.exit(1);
        },
      );
  };
  const started = Date.now();
  providers
    .start(() => server.warmUp())
    .then(
      () => log.info('ready', { loadMs: Date.now() - started }),
      (error: unknown) => {
        log.fatal('provider failed to start', { error: describeError(error) });
        stop(1);
      },
    );
  const shutdown = (signal: string) => {
    log.info('shutting down', { signal });
    stop(0);
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}

main().catch((error: unknown) => {
  // A start-up failure is one log line that says what to do, not a stack trace.
  if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
    log.fatal(`port ${process.env.PORT ?? 4000} is already in use: set PORT to a free port`, { error: (error as Error).message });
    process.exit(2);
  }
  log.fatal('start failed', { error: describeError(error) });
  process.exit(1);
});
