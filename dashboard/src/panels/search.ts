/**
 * Entity search with type-ahead (the `search` field, persons, organizations and events only), as an ARIA
 * combobox: typing lists the best matches (after a short pause; a newer query cancels the older), arrow keys move
 * through them, Enter or a click picks one, Escape closes the list. A status line says how many matched, or why
 * the server refused.
 */
import { DashboardSearchDocument } from '../../../client/generated.js';
import type { Client } from '../api.js';
import { describeError } from '../describe-error.js';
import { formatNumber, h, replaceChildren, typeLabel, uniqueId } from '../dom.js';
import { TYPE_COLOURS } from './network.js';

export interface Pick {
  id: string;
  name: string;
  type: string;
}

/** Milliseconds after the last key press before the query goes. */
const DEBOUNCE_MS = 150;
const RESULTS = 8;

export function searchBox(client: Client, onPick: (pick: Pick) => void) {
  const inputId = uniqueId('search');
  const listId = uniqueId('search-results');
  const input = h('input', {
    id: inputId,
    type: 'search',
    role: 'combobox',
    autocomplete: 'off',
    spellcheck: 'false',
    'aria-autocomplete': 'list',
    'aria-expanded': 'false',
    'aria-controls': listId,
    placeholder: 'a person, organization or event',
  });
  const list = h('ul', {
    id: listId,
    role: 'listbox',
    class: 'search-results',
    'aria-label': 'Matching entities',
    hidden: true,
  });
  const status = h('div', { class: 'search-status', role: 'status', 'aria-live': 'polite' });
  const element = h(
    'div',
    { class: 'search', 'data-search': '' },
    h('label', { for: inputId }, 'Follow an entity'),
    h('div', { class: 'search-field' }, input, list),
    status,
  );

  let options: Pick[] = [];
  let active = -1;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let controller: AbortController | null = null;

  function close() {
    list.hidden = true;
    input.setAttribute('aria-expanded', 'false');
    input.removeAttribute('aria-activedescendant');
    active = -1;
  }

  function setActive(index: number) {
    active = index;
    for (const [i, item] of [...list.children].entries()) item.setAttribute('aria-selected', String(i === index));
    const item = list.children[index];
    if (item) {
      input.setAttribute('aria-activedescendant', item.id);
      item.scrollIntoView({ block: 'nearest' });
    } else input.removeAttribute('aria-activedescendant');
  }

  function pick(index: number) {
    const chosen = options[index];
    if (!chosen) return;
    close();
    input.value = chosen.name;
    replaceChildren(status);
    onPick(chosen);
  }

  async function run(query: string) {
    controller?.abort();
    const current = new AbortController();
    controller = current;
    try {
      const { data } = await client(DashboardSearchDocument, { query, first: RESULTS }, current.signal);
      if (current.signal.aborted) return;
      options = data.search.edges.flatMap(({ node }) =>
        'id' in node ? [{ id: node.id, name: node.name, type: node.__typename, articles: node.articleCount }] : [],
      );
      replaceChildren(
        list,
        data.search.edges.flatMap(({ node }, index) => {
          if (!('id' in node)) return [];
          const swatch = h('span', { class: 'swatch', 'aria-hidden': 'true' });
          swatch.style.background = TYPE_COLOURS[node.__typename] ?? '#555';
          return [
            h(
              'li',
              {
                id: `${listId}-${index}`,
                role: 'option',
                'aria-selected': 'false',
                'data-entity': node.id,
                // Keep the focus in the input: the click picks, the blur does not close the list first.
                onmousedown: (event: Event) => event.preventDefault(),
                onclick: () => pick(index),
              },
              swatch,
              h('span', { class: 'option-name' }, node.name),
              h(
                'span',
                { class: 'option-detail' },
                `${typeLabel(node.__typename)} · ${formatNumber(node.articleCount)} articles`,
              ),
            ),
          ];
        }),
      );
      const total = data.search.totalCount;
      replaceChildren(
        status,
        total === 0
          ? `No entity matches “${query}”.`
          : `${formatNumber(total)} ${total === 1 ? 'match' : 'matches'}${total > options.length ? `, the best ${options.length} listed` : ''}.`,
      );
      if (options.length > 0) {
        list.hidden = false;
        input.setAttribute('aria-expanded', 'true');
        setActive(-1);
      } else close();
    } catch (error) {
      if (current.signal.aborted || (error as Error).name === 'AbortError') return;
      close();
      replaceChildren(status, h('span', { class: 'error-text', role: 'alert' }, describeError(error)));
    }
  }

  input.addEventListener('input', () => {
    clearTimeout(timer);
    const query = input.value.trim();
    if (query.length < 2) {
      controller?.abort();
      close();
      replaceChildren(status);
      return;
    }
    timer = setTimeout(() => void run(query.slice(0, 200)), DEBOUNCE_MS);
  });
  input.addEventListener('keydown', (event) => {
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      if (list.hidden) return;
      event.preventDefault();
      const step = event.key === 'ArrowDown' ? 1 : -1;
      setActive(active < 0 ? (step > 0 ? 0 : options.length - 1) : (active + step + options.length) % options.length);
    } else if (event.key === 'Enter') {
      if (list.hidden) return;
      event.preventDefault();
      pick(active >= 0 ? active : 0);
    } else if (event.key === 'Escape') {
      if (!list.hidden) {
        event.preventDefault();
        close();
      }
    }
  });
  input.addEventListener('blur', () => close());

  /** Shows the followed entity's name in the box (when it changed elsewhere). */
  function show(name: string | null) {
    if (document.activeElement !== input) input.value = name ?? '';
  }

  return { element, show };
}
