import { builder } from '../builder.js';
import type { DataVersionEvent } from '../data-version-events.js';

export const DataVersionChangeRef = builder.objectRef<DataVersionEvent>('DataVersionChange');

DataVersionChangeRef.implement({
  description:
    'The version of the data the server answers from, and when it began to be served: an event of `dataVersionChanged`.',
  fields: (t) => ({
    dataVersion: t.exposeString('dataVersion', {
      description:
        'The version served now: what every response’s `extensions.dataVersion` reports from now on (a content hash of the data).',
    }),
    previousDataVersion: t.exposeString('previousDataVersion', {
      nullable: true,
      description:
        'The version this subscription reported before, or null in its first event (the version served when it started).',
    }),
    changedAt: t.exposeString('changedAt', {
      description:
        'When `dataVersion` began to be served, ISO 8601 in UTC ("2024-11-14T09:30:00.000Z"); for the version served at start-up, when the server started.',
    }),
  }),
});

builder.subscriptionType({
  description:
    'Events the server pushes, over Server-Sent Events (`Accept: text/event-stream`), for as long as the client keeps the connection open.',
});

builder.subscriptionFields((t) => ({
  dataVersionChanged: t.field({
    type: DataVersionChangeRef,
    description:
      'The data version served, first when the subscription starts (so a client that reconnects learns of a change it missed), then each time the data is reloaded and the version changes. A client that has not read an event before the next change gets only the newest. Read the new data with queries: the events carry only the version.',
    subscribe: (_root, _args, { dataVersionEvents }) => dataVersionEvents.stream(),
    resolve: (event) => event,
  }),
}));
