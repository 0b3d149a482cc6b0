/**
 * Starts the HTTP server: loads and validates the data (refusing to start on bad data), serves yoga on
 * node:http with the HTTP-level limits, and closes gracefully: turn not ready, keep serving for a drain period,
 * stop accepting, let requests in flight finish within a grace period, then close what is left.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { type Config, limitsOf, loadConfig } from './config.js';
import { DataHolder, type DataWatcher } from './data/reloader.js';
import { createLogger, type Logger, yogaLogger } from './logger.js';
import { ErrorCode } from './schema/shared/errors.js';
import { createNewsYoga } from './yoga.js';

export interface RunningServer {
  server: Server;
  url: string;
  holder: DataHolder;
  /**
   * Turns not ready (/ready answers 503) at once, keeps accepting and serving for `drainMs` (default 0; SIGTERM
   * uses the configured drain) so load balancers stop sending new connections before none is accepted, then stops
   * accepting, waits up to `graceMs` (default: the configured grace) for requests in flight, and closes.
   */
  close(graceMs?: number, drainMs?: number): Promise<void>;
}

const REQUEST_ID = /^[\w.:-]{1,128}$/;

function sendError(res: ServerResponse, status: number, code: ErrorCode, message: string, limit?: number) {
  const body = JSON.stringify({
    errors: [{ message, extensions: { code, ...(limit === undefined ? {} : { limit }) } }],
  });
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
    connection: 'close',
  });
  res.end(body);
}

/**
 * The body limit is enforced here, from the declared Content-Length, before yoga reads a byte: node's
 * parser never delivers more than the declared length, and checking a header costs nothing per request
 * (yoga's own maxRequestBodySize pipes every body through a stream to count it).
 */
function checkBodySize(req: IncomingMessage, res: ServerResponse, maxBodyBytes: number): boolean {
  if (req.method !== 'POST') return true;
  const declared = req.headers['content-length'];
  if (declared === undefined) {
    sendError(
      res,
      411,
      ErrorCode.BAD_REQUEST,
      'A POST request needs a Content-Length header (chunked bodies are not accepted).',
    );
    return false;
  }
  if (!/^\d+$/.test(declared) || Number(declared) > maxBodyBytes) {
    sendError(
      res,
      413,
      ErrorCode.PAYLOAD_TOO_LARGE,
      `The request body is larger than the limit of ${maxBodyBytes} bytes.`,
      maxBodyBytes,
    );
    return false;
  }
  return true;
}

export async function startServer(overrides: Partial<Config> = {}, logger?: Logger): Promise<RunningServer> {
  const config: Config = { ...loadConfig([], {}), ...overrides };
  const log = logger ?? createLogger(overrides.logLevel ?? 'silent');
  const holder = await DataHolder.load(config.dataDir, log, { reloadTimeoutMs: config.reloadTimeoutMs });
  let accepting = true;
  const yoga = createNewsYoga({
    source: holder,
    limits: limitsOf(config),
    introspection: config.introspection,
    corsOrigins: config.corsOrigins,
    logger: yogaLogger(log),
    isReady: () => accepting,
    batch: config.batch,
    // The naive configuration measures the cost of executing without batching: no cache answers for it.
    responseCache: {
      maxEntries: config.batch ? config.responseCacheMaxEntries : 0,
      maxBytes: config.responseCacheMaxBytes,
    },
  });

  const server = createServer((req, res) => {
    const requestId =
      typeof req.headers['x-request-id'] === 'string' && REQUEST_ID.test(req.headers['x-request-id'])
        ? req.headers['x-request-id']
        : randomUUID();
    req.headers['x-request-id'] = requestId;
    res.setHeader('x-request-id', requestId);
    if (!accepting) res.setHeader('connection', 'close');
    const started = performance.now();
    res.once('finish', () =>
      log.info(
        {
          reqId: requestId,
          method: req.method,
          url: req.url,
          status: res.statusCode,
          ms: Math.round((performance.now() - started) * 10) / 10,
        },
        'request',
      ),
    );
    if (checkBodySize(req, res, config.maxBodyBytes)) void yoga(req, res);
  });
  // Set deliberately rather than left to node's defaults: a slow client cannot hold a socket for long.
  server.requestTimeout = config.requestTimeoutMs;
  server.headersTimeout = Math.min(config.headersTimeoutMs, config.requestTimeoutMs);
  server.keepAliveTimeout = config.keepAliveTimeoutMs;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const url = `http://${config.host}:${port}${yoga.graphqlEndpoint}`;
  const watcher: DataWatcher | null = config.watch ? holder.watch() : null;

  let closing: Promise<void> | null = null;
  const drain = async (drainMs: number) => {
    accepting = false;
    watcher?.close();
    holder.close();
    if (drainMs === 0) return;
    log.info({ drainMs }, 'draining: /ready answers 503 while new connections are still served');
    await new Promise((resolve) => setTimeout(resolve, drainMs));
  };
  const stopAccepting = (graceMs: number) =>
    new Promise<void>((resolve, reject) => {
      const forced = setTimeout(() => {
        log.warn({ graceMs }, 'grace period over: closing the connections still open');
        server.closeAllConnections();
      }, graceMs);
      server.close((error) => {
        clearTimeout(forced);
        if (error) reject(error);
        else resolve();
      });
      // Idle keep-alive connections would otherwise hold close() open; busy ones close after their response.
      server.closeIdleConnections();
      server.on('request', (_req, res) => res.once('finish', () => server.closeIdleConnections()));
    });
  const close = (graceMs = config.shutdownGraceMs, drainMs = 0) => {
    closing ??= drain(drainMs).then(() => stopAccepting(graceMs));
    return closing;
  };
  return { server, url, holder, close };
}
