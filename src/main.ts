import 'reflect-metadata';
import { ConfigError, loadConfig, type Config } from './config';
import { createProvider } from './providers/create-provider';
import { startServer } from './server/create-server';

const log = (msg: string, extra: Record<string, unknown> = {}) => console.log(JSON.stringify({ level: 'info', msg, ...extra }));

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
  log('listening', { url: `${server.url}/graphql`, provider: provider.name });
  const started = Date.now();
  provider.start().then(
    () => log('ready', { provider: provider.name, loadMs: Date.now() - started }),
    (error: unknown) => {
      console.error(JSON.stringify({ level: 'fatal', msg: 'provider failed to start', error: String(error) }));
      process.exit(1);
    },
  );

  const shutdown = (signal: string) => {
    log('shutting down', { signal });
    const timer = setTimeout(() => {
      console.error(JSON.stringify({ level: 'error', msg: 'shutdown timed out' }));
      process.exit(1);
    }, config.shutdownTimeoutMs);
    timer.unref();
    server.stop().then(() => process.exit(0));
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}

void main();
