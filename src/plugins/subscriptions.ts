/**
 * Subscriptions (over Server-Sent Events) within bounds. A client (as the budget counts clients: its API key or
 * its address) may keep `maxPerClient` open, the server `maxTotal` in all; one more is refused before anything is
 * opened, with TOO_MANY_SUBSCRIPTIONS: 429 for the client's limit, 503 for the server's. A slot is freed when its
 * stream ends, whichever way it ends: the client disconnects (the request's signal aborts, or yoga cancels the
 * stream), the stream completes, or the server closes it (DataVersionEvents.close at shutdown). yoga's SSE
 * sends a comment line (`:`) every 12 s, so proxies and clients do not take a quiet stream for a dead one.
 *
 * A subscription lives across reloads, so its context lets go of the store it was made over: otherwise every
 * open stream would keep an old store (hundreds of MB for a large corpus) alive after a reload. Its events
 * carry their data; a subscription field that read the store through its context would fail loudly (DETACHED).
 */
import type { IncomingMessage } from 'node:http';
import { isAsyncIterable } from '@envelop/core';
import { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { Context } from '../context.js';
import { ErrorCode, errorBody, JSON_MEDIA_TYPE } from '../errors.js';
import type { ClientIdentity } from './rate-limit.js';

/** How many subscriptions may be open at once. */
export interface SubscriptionLimits {
  /** In all. */
  maxTotal: number;
  /** Per client. */
  maxPerClient: number;
}

/** What a subscription's context has instead of the store and loaders: anything read from it throws. */
const DETACHED = new Proxy(
  {},
  {
    get(_target, property) {
      throw new Error(
        `A subscription's context has no store (it read ${String(property)}): a subscription's events carry their own data (see src/plugins/subscriptions.ts).`,
      );
    },
  },
);

/** The open subscriptions: in all, and per client. */
export class SubscriptionSlots {
  private readonly byClient = new Map<string, number>();
  total = 0;

  constructor(readonly limits: SubscriptionLimits) {}

  /** The limit `client` would go over with one more, or null when it may open one. */
  refusal(client: string): { scope: 'CLIENT' | 'SERVER'; limit: number } | null {
    if ((this.byClient.get(client) ?? 0) >= this.limits.maxPerClient) {
      return { scope: 'CLIENT', limit: this.limits.maxPerClient };
    }
    if (this.total >= this.limits.maxTotal) return { scope: 'SERVER', limit: this.limits.maxTotal };
    return null;
  }

  /** Takes a slot for `client`; returns the function that frees it (once, however often it is called). */
  take(client: string): () => void {
    this.total += 1;
    this.byClient.set(client, (this.byClient.get(client) ?? 0) + 1);
    let freed = false;
    return () => {
      if (freed) return;
      freed = true;
      this.total -= 1;
      const left = (this.byClient.get(client) ?? 1) - 1;
      if (left > 0) this.byClient.set(client, left);
      else this.byClient.delete(client);
    };
  }

  /** Clients with a subscription open. */
  get clients(): number {
    return this.byClient.size;
  }
}

/** yoga's context during a request: ours, with the request and the node request it came on. */
type RequestContext = Context & { request: Request; req?: IncomingMessage };

/** A stream yoga answers with; anything else means the stream opened for the request was not sent. */
const EVENT_STREAM = 'text/event-stream';

export function subscriptionsPlugin(slots: SubscriptionSlots, identity: ClientIdentity): Plugin {
  /** How to end the stream opened for a request, until its response is sent. */
  const opened = new WeakMap<Request, () => void>();
  return {
    onSubscribe: ({ args, setResultAndStopExecution }) => {
      const context = args.contextValue as unknown as RequestContext;
      const client = identity.of(context.request, context);
      const refusal = slots.refusal(client);
      if (refusal) {
        const { scope, limit } = refusal;
        const message =
          scope === 'CLIENT'
            ? `This client already has ${subscriptions(limit)} open, the most a client may: close one first.`
            : `The server already has ${subscriptions(limit)} open, the most it takes: retry later.`;
        setResultAndStopExecution({
          errors: [
            new GraphQLError(message, {
              extensions: {
                code: ErrorCode.TOO_MANY_SUBSCRIPTIONS,
                limit,
                scope,
                http: { status: scope === 'CLIENT' ? 429 : 503 },
              },
            }),
          ],
        });
        return;
      }
      const free = slots.take(client);
      Object.assign(context, { source: DETACHED, loaders: DETACHED });
      const signal = context.request.signal;
      return {
        onSubscribeResult: ({ result }) => {
          if (!isAsyncIterable(result)) {
            free();
            return;
          }
          // The client went away: end the stream (and free its slot) even if nothing ever read from it.
          const end = () => {
            free();
            void result[Symbol.asyncIterator]().return?.();
          };
          if (signal.aborted) end();
          else signal.addEventListener('abort', end, { once: true });
          opened.set(context.request, end);
          return {
            onEnd: () => {
              signal.removeEventListener('abort', end);
              free();
            },
          };
        },
      };
    },
    onResponse: ({ request, response, setResponse, fetchAPI }) => {
      const end = opened.get(request);
      if (!end) return;
      opened.delete(request);
      if (response.headers.get('content-type')?.startsWith(EVENT_STREAM)) return;
      // yoga answers a stream only as Server-Sent Events: to any other Accept it says 406, and drops the stream.
      end();
      if (response.status !== 406) return;
      setResponse(
        new fetchAPI.Response(
          errorBody(
            ErrorCode.NOT_ACCEPTABLE,
            `A subscription is answered with Server-Sent Events: send Accept: ${EVENT_STREAM}.`,
          ),
          { status: 406, headers: { 'content-type': JSON_MEDIA_TYPE } },
        ),
      );
    },
  };
}

const subscriptions = (n: number) => `${n.toLocaleString('en-US')} subscription${n === 1 ? '' : 's'}`;
