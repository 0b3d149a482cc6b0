/**
 * What the dashboard shows, all of it in the URL's query string so a view can be bookmarked and shared:
 * `entity` (the global ID every panel follows), `with` (the other entity of the evidence pair), `article` (the
 * article shown in the evidence panel), `from` and `to` (the window), `interval` and `scope` (the timeline's).
 * Values that cannot be right are dropped when read (an unknown interval, a date that is not a date); what is
 * left is checked by the server, whose refusals the panels show.
 */
import type { TimeInterval } from '../../client/generated.js';

export const INTERVALS: readonly TimeInterval[] = ['DAY', 'WEEK', 'MONTH', 'YEAR'];
export const SCOPES = ['entity', 'corpus'] as const;
export type Scope = (typeof SCOPES)[number];

export interface DashboardState {
  entity: string | null;
  with: string | null;
  article: string | null;
  from: string | null;
  to: string | null;
  interval: TimeInterval;
  /** The timeline: the followed entity's articles, or the whole corpus's. */
  scope: Scope;
}

export const DEFAULT_STATE: DashboardState = {
  entity: null,
  with: null,
  article: null,
  from: null,
  to: null,
  interval: 'MONTH',
  scope: 'entity',
};

/** A reduced-precision ISO date as the API takes it: a year, a month or a day. */
const DATE = /^\d{4}(-\d{2}(-\d{2})?)?$/;
/** A global ID: base64 of "Type:slug". */
const GLOBAL_ID = /^[A-Za-z0-9+/]+={0,2}$/;

function pick<T extends string>(value: string | null, allowed: readonly T[]): T | null {
  return value !== null && (allowed as readonly string[]).includes(value) ? (value as T) : null;
}

const idOrNull = (value: string | null) => (value && value.length <= 400 && GLOBAL_ID.test(value) ? value : null);
const dateOrNull = (value: string | null) => (value && DATE.test(value) ? value : null);

export function readState(search: string): DashboardState {
  const params = new URLSearchParams(search);
  const entity = idOrNull(params.get('entity'));
  const other = idOrNull(params.get('with'));
  return {
    entity,
    with: entity && other !== entity ? other : null,
    article: idOrNull(params.get('article')),
    from: dateOrNull(params.get('from')),
    to: dateOrNull(params.get('to')),
    interval: pick(params.get('interval')?.toUpperCase() ?? null, INTERVALS) ?? DEFAULT_STATE.interval,
    scope: pick(params.get('scope'), SCOPES) ?? DEFAULT_STATE.scope,
  };
}

/** The query string of a state: defaults left out, in a stable order. */
export function writeState(state: DashboardState): string {
  const params = new URLSearchParams();
  if (state.entity) params.set('entity', state.entity);
  if (state.with) params.set('with', state.with);
  if (state.article) params.set('article', state.article);
  if (state.from) params.set('from', state.from);
  if (state.to) params.set('to', state.to);
  if (state.interval !== DEFAULT_STATE.interval) params.set('interval', state.interval);
  if (state.scope !== DEFAULT_STATE.scope) params.set('scope', state.scope);
  const query = params.toString();
  return query ? `?${query}` : '';
}
