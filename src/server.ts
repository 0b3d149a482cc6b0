/**
 * Starts the HTTP server for a validated configuration: loads and validates the data (refusing to start on bad
 * data), has the application assembled over it (app.ts), serves it on node:http with the HTTP-level checks, and
 * closes gracefully: turn not ready, keep serving for a drain period, stop accepting, let requests in flight
 * finish within a grace period, then close what is left.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Registry } from 'prom-client';
import { createNewsgraph } from './app.js';
import type { Config } from './config.js';
import { PostgresHolder } from './data/postgres/holder.js';
import { DataHolder, type DataWatcher } from './data/reloader.js';
import { ErrorCode, errorBody, JSON_MEDIA_TYPE } from './errors.js';
import { graphqlHandler } from './http/graphql-handler.js';
import { ReplayCache } from './http/replay-cache.js';
import { createLogger, type Logger, yogaLogger } from './logger.js';
import { METRICS_PATH, metricsAnswer } from './metrics.js';

export interface RunningServer {
  server: Server;
  url: string;
  /** The metrics' URL on their own port (METRICS_PORT), or null. */
  metricsUrl: string | null;
  /** The data served: the fixture directory's (reloadable), or the current dataset of a PostgreSQL database. */
  holder: DataHolder | PostgresHolder;
  /**
   * Turns not ready (/ready answers 503) at once, keeps accepting and serving for `drainMs` (default 0; SIGTERM
   * uses the configured drain) so load balancers stop sending new connections before none is accepted, then stops
   * accepting, waits up to `graceMs` (default: the configured grace) for requests in flight, and closes.
   */
  close(graceMs?: number, drainMs?: number): Promise<void>;
}

const REQUEST_ID = /^[\w.:-]{1,128}$/;

/**
 * The most characters of a request target an access-log line holds. A GET carries its whole document and variables
 * in the URL (up to the document length limit, 5,000 characters by default, and whatever variables a client
 * sends): logged whole, they made most of the log's volume and about a tenth of a replayed 304's CPU, and put
 * clients' search terms in every line. The path and the start of the query string name the request; `urlLength`
 * says how much was left out.
 */
const LOGGED_URL_CHARS = 200;

function sendError(res: ServerResponse, status: number, code: ErrorCode, message: string, limit?: number) {
  const body = errorBody(code, message, limit === undefined ? {} : { limit });
  res.writeHead(status, {
    'content-type': JSON_MEDIA_TYPE,
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

/**
 * The request target must be a path (origin-form, `/graphql?…`) and the Host header a valid host, or the URL
 * yoga's adapter builds from them (`http://<host><target>`) does not parse: it would throw, a 500 with a stack
 * trace. An absolute-form target (`http://host/graphql`, as proxies send) is reduced to its path. Returns the
 * reason for refusing, or null.
 */
function badRequestTarget(req: IncomingMessage, validHost: (host: string) => boolean): string | null {
  const target = req.url ?? '';
  if (/^https?:\/\//i.test(target) && URL.canParse(target)) {
    const absolute = new URL(target);
    req.url = `${absolute.pathname}${absolute.search}`;
  } else if (!target.startsWith('/')) {
    return 'The request target must be a path (such as /graphql).';
  }
  // A path parses after any valid host (the URL parser percent-encodes what it must; node's parser has already
  // refused what no URL can hold), so only the host decides.
  if (!validHost(req.headers.host ?? 'localhost')) return 'The Host header or the request target is not valid.';
  return null;
}

/**
 * Whether `http://<host>/` parses, remembered per Host value: a server is called by a handful of names, and a URL
 * parse of every request's whole target (a GET's query string is kilobytes) is work spent on every request.
 */
function hostChecker(): (host: string) => boolean {
  const known = new Map<string, boolean>();
  return (host) => {
    let valid = known.get(host);
    if (valid === undefined) {
      valid = URL.canParse(`http://${host}/`);
      // Bounded: any client can send any Host; forget them all rather than grow.
      if (known.size >= 1_000) known.clear();
      known.set(host, valid);
    }
    return valid;
  };
}

/** Serves `config` (complete and validated: loadConfig, or configFor in tests); logs to `logger` (default: at config.logLevel). */
export async function startServer(config: Config, logger?: Logger): Promise<RunningServer> {
  const log = logger ?? createLogger(config.logLevel);
  const holder = config.databaseUrl
    ? await PostgresHolder.connect(config.databaseUrl, log, { statementTimeoutMs: config.executionTimeoutMs })
    : await DataHolder.load(config.dataDir, log, { reloadTimeoutMs: config.reloadTimeoutMs });
  let accepting = true;
  /** Set once the server stops accepting: each connection is closed as soon as its response is sent. */
  let stopping = false;
  const { yoga, registry, dataVersionEvents, replay, rateLimiter, metrics } = createNewsgraph({
    config,
    source: holder,
    // A database's imports reach the dataVersionChanged subscription through its notifications.
    changes: holder instanceof PostgresHolder ? holder : undefined,
    logger: yogaLogger(log),
    // On PostgreSQL, not ready while the database is lost (it recovers by itself).
    isReady: () => accepting && (!(holder instanceof PostgresHolder) || holder.isAvailable()),
  });
  const answerGraphQL = graphqlHandler({
    yoga,
    holder,
    replay,
    rateLimiter,
    metrics,
    onError: (error, req) => log.error({ err: error, method: req.method, url: req.url }, 'the pipeline failed'),
  });

  const validHost = hostChecker();
  const server = createServer((req, res) => {
    const requestId =
      typeof req.headers['x-request-id'] === 'string' && REQUEST_ID.test(req.headers['x-request-id'])
        ? req.headers['x-request-id']
        : randomUUID();
    req.headers['x-request-id'] = requestId;
    res.setHeader('x-request-id', requestId);
    if (!accepting) res.setHeader('connection', 'close');
    const started = performance.now();
    res.once('finish', () => {
      const url = req.url ?? '';
      const cut = url.length > LOGGED_URL_CHARS;
      log.info(
        {
          reqId: requestId,
          method: req.method,
          url: cut ? `${url.slice(0, LOGGED_URL_CHARS)}…` : url,
          // pino leaves out a field whose value is undefined
          urlLength: cut ? url.length : undefined,
          status: res.statusCode,
          ms: Math.round((performance.now() - started) * 10) / 10,
        },
        'request',
      );
      if (stopping) server.closeIdleConnections();
    });
    const badTarget = badRequestTarget(req, validHost);
    if (badTarget) {
      log.warn({ reqId: requestId, method: req.method, url: req.url, host: req.headers.host }, badTarget);
      sendError(res, 400, ErrorCode.BAD_REQUEST, badTarget);
      return;
    }
    if (!checkBodySize(req, res, config.maxBodyBytes)) return;
    if (ReplayCache.candidate(req)) answerGraphQL(req, res, started);
    else void yoga(req, res);
  });
  // A request node's parser refuses (a malformed request line or header, headers too large, too slow) gets a
  // coded JSON error like every other refusal, and a log line, rather than node's bare 400.
  server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
    log.warn({ err: { code: error.code, message: error.message } }, 'malformed HTTP request refused');
    if (!socket.writable || (socket as { _httpMessage?: unknown })._httpMessage) {
      socket.destroy();
      return;
    }
    const [status, reason] =
      error.code === 'HPE_HEADER_OVERFLOW'
        ? [431, 'Request Header Fields Too Large']
        : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
          ? [408, 'Request Timeout']
          : [400, 'Bad Request'];
    const body = errorBody(ErrorCode.BAD_REQUEST, `Not an HTTP request this server accepts: ${reason}.`);
    socket.end(
      `HTTP/1.1 ${status} ${reason}\r\nContent-Type: ${JSON_MEDIA_TYPE}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
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
  const metricsServer = config.metricsPort === null ? null : await startMetricsServer(config, registry, log);
  const url = `http://${config.host}:${port}${yoga.graphqlEndpoint}`;
  const watcher: DataWatcher | null = config.watch && holder instanceof DataHolder ? holder.watch() : null;

  let closing: Promise<void> | null = null;
  const drain = async (drainMs: number) => {
    accepting = false;
    watcher?.close();
    void holder.close();
    if (drainMs === 0) return;
    log.info({ drainMs }, 'draining: /ready answers 503 while new connections are still served');
    await new Promise((resolve) => setTimeout(resolve, drainMs));
  };
  const stopAccepting = (graceMs: number) =>
    new Promise<void>((resolve, reject) => {
      stopping = true;
      // Subscriptions would hold their connections until the grace period is over: end them now (each stream
      // sends `event: complete` and its response ends), so clients subscribe again elsewhere at once.
      dataVersionEvents.close();
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
    });
  const close = (graceMs = config.shutdownGraceMs, drainMs = 0) => {
    closing ??= drain(drainMs).then(() => stopAccepting(graceMs));
    return closing;
  };
  const metricsAddress = metricsServer?.address();
  const metricsUrl =
    typeof metricsAddress === 'object' && metricsAddress
      ? `http://${config.host}:${metricsAddress.port}${METRICS_PATH}`
      : null;
  return {
    server,
    url,
    metricsUrl,
    holder,
    // The metrics stay up through the drain, for the scrape that sees it.
    close: (graceMs, drainMs) =>
      close(graceMs, drainMs).finally(() => {
        metricsServer?.close();
        metricsServer?.closeAllConnections();
      }),
  };
}

/** The metrics on a port of their own (METRICS_PORT): GET /metrics, behind the token when one is configured. */
async function startMetricsServer(config: Config, registry: Registry, log: Logger): Promise<Server> {
  const server = createServer((req, res) => {
    if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== METRICS_PATH) {
      sendError(res, 404, ErrorCode.BAD_REQUEST, `This port serves GET ${METRICS_PATH} only.`);
      return;
    }
    metricsAnswer(registry, config.metricsToken || undefined, req.headers.authorization).then(
      (answer) => {
        res.writeHead(answer.status, answer.headers);
        res.end(answer.body);
      },
      (error: unknown) => {
        log.error({ err: error }, 'metrics failed');
        sendError(res, 500, ErrorCode.INTERNAL_SERVER_ERROR, 'The metrics could not be collected.');
      },
    );
  });
  server.requestTimeout = config.requestTimeoutMs;
  server.headersTimeout = Math.min(config.headersTimeoutMs, config.requestTimeoutMs);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.metricsPort ?? 0, config.host, () => resolve());
  });
  return server;
}
