import 'reflect-metadata';
import { ConfigError, loadConfig, type Config } from './config';
import { createProvider } from './providers/create-provider';
import { startServer } from './server/create-server';
import { describeError, log } from './logger';

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
  const provider = createProvider(config);
  const server = await startServer(config, provider);
  log.info('listening', { url: `${server.url}/graphql`, provider: provider.name });
  const started = Date.now();
  provider.start().then(
    () => log.info('ready', { provider: provider.name, loadMs: Date.now() - started }),
    (error: unknown) => {
      log.fatal('provider failed to start', { error: describeError(error) });
      process.exit(1);
    },
  );

  const shutdown = (signal: string) => {
    log.info('shutting down', { signal });
    const timer = setTimeout(() => {
      log.error('shutdown timed out');
      process.exit(1);
    }, config.shutdownTimeoutMs);
    timer.unref();
    server.stop().then(() => process.exit(0));
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}

void main();
