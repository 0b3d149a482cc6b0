/** Configuration from flags and environment variables, validated with messages that name the bad value. */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';

describe('loadConfig', () => {
  it('has documented defaults', () => {
    expect(loadConfig([], {})).toEqual({ port: 4000, host: 'localhost', dataDir: path.resolve('data'), maxDepth: 12 });
  });

  it('reads the environment, and flags win over it', () => {
    const env = { PORT: '8080', HOST: '0.0.0.0', DATA_DIR: '/srv/data', MAX_DEPTH: '8' };
    expect(loadConfig([], env)).toEqual({ port: 8080, host: '0.0.0.0', dataDir: '/srv/data', maxDepth: 8 });
    expect(loadConfig(['--port', '0', '--data', 'other', '--max-depth', '20'], env)).toEqual({
      port: 0,
      host: '0.0.0.0',
      dataDir: path.resolve('other'),
      maxDepth: 20,
    });
  });

  it.each([
    [['--port', ''], {}, '--port / PORT = "": must be a port number'],
    [[], { PORT: '70000' }, '--port / PORT = "70000": must be a port number'],
    [[], { PORT: '80a' }, '--port / PORT = "80a"'],
    [['--max-depth', '0'], {}, '--max-depth / MAX_DEPTH = "0": must be a whole number from 1 to 100'],
    [[], { MAX_DEPTH: 'deep' }, '--max-depth / MAX_DEPTH = "deep"'],
    [['--verbose'], {}, "Unknown option '--verbose'"],
  ])('refuses %j %j naming the value', (argv, env, message) => {
    expect(() => loadConfig(argv, env)).toThrow(ConfigError);
    expect(() => loadConfig(argv, env)).toThrow(message);
  });
});
