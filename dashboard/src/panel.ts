/**
 * A panel of the dashboard: a labelled region whose content comes from one or more queries. It is always in one
 * of four states, shown to the eye and to assistive technology (`aria-busy`, a status line, `data-state` for
 * tests): loading, ready, empty (with a sentence saying why) or error (the server's refusal in words, its code,
 * and a button to try again). A new load cancels the one in flight: its answer is never drawn.
 */
import { QueryError } from './api.js';
import { describeError } from './describe-error.js';
import { h, replaceChildren, uniqueId } from './dom.js';

export type PanelState = 'idle' | 'loading' | 'ready' | 'empty' | 'error';

/** What a load ends with: drawn, or nothing to draw (the sentence says why). */
export type Outcome = 'ready' | { empty: string };

export class Panel {
  readonly element: HTMLElement;
  /** Where the panel draws. */
  readonly content: HTMLElement;
  readonly heading: HTMLHeadingElement;
  private readonly status: HTMLElement;
  private controller: AbortController | null = null;
  state: PanelState = 'idle';

  constructor(
    readonly name: string,
    title: string,
    options: { tools?: HTMLElement[]; className?: string; onSettled?: () => void } = {},
  ) {
    const headingId = uniqueId(`${name}-title`);
    this.heading = h('h2', { id: headingId }, title);
    this.status = h('div', { class: 'panel-status', role: 'status' });
    this.content = h('div', { class: 'panel-content' });
    this.element = h(
      'section',
      {
        class: `panel ${options.className ?? ''}`.trim(),
        'aria-labelledby': headingId,
        'data-panel': name,
        'data-state': 'idle',
      },
      h('header', { class: 'panel-header' }, this.heading, h('div', { class: 'panel-tools' }, options.tools ?? [])),
      this.status,
      this.content,
    );
    this.onSettled = options.onSettled ?? (() => undefined);
  }

  private readonly onSettled: () => void;

  private setState(state: PanelState) {
    this.state = state;
    this.element.dataset.state = state;
    this.element.setAttribute('aria-busy', String(state === 'loading'));
  }

  /**
   * Runs `task` (which draws into `content` and says how it went), cancelling the previous one. Errors, except a
   * cancellation, become the error state with a "Try again" button that runs the same task.
   */
  async load(task: (signal: AbortSignal) => Promise<Outcome>): Promise<void> {
    this.controller?.abort();
    const controller = new AbortController();
    this.controller = controller;
    this.setState('loading');
    replaceChildren(this.status, h('span', { class: 'loading' }, 'Loading…'));
    try {
      const outcome = await task(controller.signal);
      if (controller.signal.aborted) return;
      if (outcome === 'ready') {
        replaceChildren(this.status);
        this.setState('ready');
      } else {
        replaceChildren(this.content);
        replaceChildren(this.status, h('p', { class: 'empty' }, outcome.empty));
        this.setState('empty');
      }
    } catch (error) {
      if (controller.signal.aborted || (error as Error).name === 'AbortError') return;
      const code = error instanceof QueryError ? error.code : 'CLIENT_ERROR';
      replaceChildren(this.content);
      replaceChildren(
        this.status,
        h(
          'div',
          { class: 'error', role: 'alert', 'data-code': code },
          h('p', {}, describeError(error), ' ', h('code', {}, code)),
          h('button', { type: 'button', onclick: () => void this.load(task) }, 'Try again'),
        ),
      );
      this.setState('error');
    }
    this.onSettled();
  }

  /** Says a load is coming (the panel waits for another's answer first). */
  pending() {
    this.setState('loading');
    replaceChildren(this.status, h('span', { class: 'loading' }, 'Loading…'));
  }
}

/** A "Table" toggle for a chart: shows the chart or its data as a table, never both; the choice is kept. */
export function tableToggle(onChange: (showTable: boolean) => void): HTMLButtonElement {
  const button = h('button', { type: 'button', class: 'toggle', 'aria-pressed': 'false' }, 'Table');
  button.addEventListener('click', () => {
    const pressed = button.getAttribute('aria-pressed') !== 'true';
    button.setAttribute('aria-pressed', String(pressed));
    onChange(pressed);
  });
  return button;
}
