/**
 * All runtime configuration: environment variables, overridden by command-line flags,
 * validated at start-up with a message that says which value is wrong.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { DEFAULT_MAX_DEPTH } from './yoga.js';

const configSchema = z.object({
  port: z
    .string()
    .regex(/^\d{1,5}$/, 'must be a port number from 0 to 65535')
    .transform(Number)
    .refine((port) => port <= 65535, 'must be a port number from 0 to 65535'),
  host: z.string().min(1),
  dataDir: z.string().min(1),
  maxDepth: z
    .string()
    .regex(/^\d{1,3}$/, 'must be a whole number from 1 to 100')
    .transform(Number)
    .refine((depth) => depth >= 1 && depth <= 100, 'must be a whole number from 1 to 100'),
});

export type Config = z.infer<typeof configSchema>;

export const CONFIG_HELP = `Usage: npm start -- [--port N] [--host HOST] [--data DIR] [--max-depth N]
  --port       PORT       port to listen on (default 4000)
  --host       HOST       interface to bind (default localhost)
  --data       DATA_DIR   fixture directory (default ./data)
  --max-depth  MAX_DEPTH  deepest query accepted; introspection is exempt (default ${DEFAULT_MAX_DEPTH})`;

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export function loadConfig(argv: string[] = process.argv.slice(2), env: NodeJS.ProcessEnv = process.env): Config {
  let flags: Record<string, string | undefined>;
  try {
    ({ values: flags } = parseArgs({
      args: argv,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        data: { type: 'string' },
        'max-depth': { type: 'string' },
      },
      strict: true,
    }) as { values: Record<string, string | undefined> });
  } catch (error) {
    throw new ConfigError(`${(error as Error).message}\n${CONFIG_HELP}`);
  }
  const raw = {
    port: flags.port ?? env.PORT ?? '4000',
    host: flags.host ?? env.HOST ?? 'localhost',
    dataDir: path.resolve(flags.data ?? env.DATA_DIR ?? 'data'),
    maxDepth: flags['max-depth'] ?? env.MAX_DEPTH ?? String(DEFAULT_MAX_DEPTH),
  };
  const result = configSchema.safeParse(raw);
  if (!result.success) {
    const names: Record<string, string> = {
      port: '--port / PORT',
      host: '--host / HOST',
      dataDir: '--data / DATA_DIR',
      maxDepth: '--max-depth / MAX_DEPTH',
    };
    const problems = result.error.issues.map((issue) => {
      const key = String(issue.path[0]);
      return `${names[key] ?? key} = ${JSON.stringify(raw[key as keyof typeof raw])}: ${issue.message}`;
    });
    throw new ConfigError(`Invalid configuration:\n  ${problems.join('\n  ')}\n${CONFIG_HELP}`);
  }
  return result.data;
}
