/**
 * The evidence for a pair of entities: the relationships the articles state between them, each with its quotes
 * and their articles; the articles that mention both; and one article's body, with the pair's quotes and every
 * mention highlighted at the offsets the API gives (the two entities' mentions in their own colours).
 */
import {
  DashboardArticleDocument,
  type DashboardArticleQuery,
  DashboardPairDocument,
  DashboardRelationshipsDocument,
} from '../../../client/generated.js';
import type { Answer, Client } from '../api.js';
import { formatNumber, h, replaceChildren } from '../dom.js';
import { type Mark, pieces } from '../highlight.js';
import { type Quote, type Relationship, relationshipsOf } from '../model/relationships.js';
import { Panel } from '../panel.js';
import type { DashboardState } from '../state.js';

type ArticleNode = Extract<NonNullable<DashboardArticleQuery['node']>, { body: string }>;
type ArticleMention = ArticleNode['mentions']['nodes'][number];

/** Pages of mentions fetched for one article at most (100 each): beyond, the rest is left unmarked and said so. */
const MAX_MENTION_PAGES = 10;
/** Stated relationships listed at most (the pair's own are always shown in full). */
const MAX_LISTED = 50;

export interface EvidenceActions {
  /** Show this article (with the pair's quotes in it). */
  onArticle: (id: string) => void;
  /** Show the evidence for the followed entity and this one. */
  onPair: (id: string) => void;
  onSettled: () => void;
}

export function evidencePanel(client: Client, actions: EvidenceActions) {
  const panel = new Panel('evidence', 'Evidence', { className: 'panel-evidence', onSettled: actions.onSettled });

  async function fetchArticle(
    id: string,
    signal: AbortSignal,
  ): Promise<{ article: ArticleNode; mentions: ArticleMention[]; complete: boolean } | null> {
    let after: string | null = null;
    let article: ArticleNode | null = null;
    const mentions: ArticleMention[] = [];
    for (let page = 0; page < MAX_MENTION_PAGES; page++) {
      const answer: Answer<DashboardArticleQuery> = await client(
        DashboardArticleDocument,
        { id, mentionsFirst: 100, mentionsAfter: after },
        signal,
      );
      const node = answer.data.node;
      if (!node || !('body' in node)) return null;
      const kept: ArticleNode = article ?? node;
      article = kept;
      mentions.push(...node.mentions.nodes);
      if (!node.mentions.pageInfo.hasNextPage || !node.mentions.pageInfo.endCursor) {
        return { article: kept, mentions, complete: true };
      }
      after = node.mentions.pageInfo.endCursor;
    }
    return article && { article, mentions, complete: false };
  }

  /** The relationships of the entities asked for lately (the network and this panel both need them first). */
  const relationshipsCache = new Map<string, Promise<{ name: string | null; relationships: Relationship[] }>>();

  /** The entity's name and its relationships, fetched once per entity while it is followed. */
  function relationships(entity: string, signal?: AbortSignal) {
    let known = relationshipsCache.get(entity);
    if (!known) {
      known = client(DashboardRelationshipsDocument, { id: entity }, signal).then(({ data }) => ({
        name: data.node && 'name' in data.node ? data.node.name : null,
        relationships: data.node ? relationshipsOf(data.node) : [],
      }));
      // A failure is not kept: the next load asks again.
      known.catch(() => relationshipsCache.delete(entity));
      relationshipsCache.clear();
      relationshipsCache.set(entity, known);
    }
    return known;
  }

  function load(state: DashboardState) {
    const { entity, with: other } = state;
    return panel.load(async (signal) => {
      panel.heading.textContent = 'Evidence';
      if (!entity) return { empty: 'Pick an entity to see what the articles say about it.' };
      const pairAsked = other ? client(DashboardPairDocument, { id: entity, other, articlesFirst: 10 }, signal) : null;
      pairAsked?.catch(() => undefined); // awaited below, unless the relationships fail first
      const stated = await relationships(entity);
      // The article to show is often known now (the URL's, or the first quote's): it loads beside the pair.
      const firstQuoted = stated.relationships.find((r) => r.other.id === other)?.evidence[0]?.article.id;
      const early = other ? (state.article ?? firstQuoted ?? null) : null;
      const articleAsked = early ? fetchArticle(early, signal) : null;
      articleAsked?.catch(() => undefined);
      const pair = await pairAsked;
      if (signal.aborted) return 'ready';
      if (stated.name === null)
        return { empty: 'No person, organization or event has this ID: pick one with the search box.' };
      const entityName = stated.name;
      const otherNode = pair?.data.other;
      const otherName = otherNode && 'name' in otherNode ? otherNode.name : null;
      const list = statedList(entityName, stated.relationships, other);
      if (!other || !pair || otherName === null) {
        panel.heading.textContent = `Evidence: ${entityName}`;
        replaceChildren(
          panel.content,
          list,
          h(
            'p',
            { class: 'empty' },
            other
              ? 'The other entity of the pair does not exist (any more): pick another.'
              : 'Pick a relationship above, or an entity in the network, to see the evidence for the pair.',
          ),
        );
        return 'ready';
      }
      panel.heading.textContent = `Evidence: ${entityName} and ${otherName}`;
      const between = stated.relationships.filter((r) => r.other.id === other);
      const shared = pair.data.sharedArticles;
      const quotes = between.flatMap((r) => r.evidence);
      const articleId = early ?? shared.nodes[0]?.id ?? null;
      const articleButton = (article: { id: string; headline: string }) =>
        h(
          'button',
          {
            type: 'button',
            class: 'link',
            'data-article': article.id,
            'aria-pressed': String(article.id === articleId),
            onclick: () => actions.onArticle(article.id),
          },
          article.headline,
        );
      const articleView = h('div', { class: 'article-view' });
      replaceChildren(
        panel.content,
        list,
        h(
          'div',
          { class: 'pair', 'data-pair': other },
          h('h3', {}, `${entityName} and ${otherName}`),
          between.length === 0
            ? h('p', { class: 'empty' }, 'The articles state no relationship between them; they appear together.')
            : h(
                'ul',
                { class: 'relationships' },
                between.map((r) =>
                  h(
                    'li',
                    {},
                    h(
                      'p',
                      { class: 'relationship' },
                      h('strong', {}, r.from),
                      ` ${r.relation} `,
                      h('strong', {}, r.to),
                    ),
                    r.evidence.map((q) =>
                      h(
                        'figure',
                        { class: 'quote' },
                        h('blockquote', {}, `“${q.quote}”`),
                        h(
                          'figcaption',
                          {},
                          articleButton(q.article),
                          ` (${q.article.publishedAt.slice(0, 10)}), characters ${q.start}–${q.end}`,
                        ),
                      ),
                    ),
                  ),
                ),
              ),
          h('h4', {}, `Articles mentioning both (${formatNumber(shared.totalCount)})`),
          shared.nodes.length === 0
            ? h('p', { class: 'empty' }, 'None.')
            : h(
                'ul',
                { class: 'shared-articles' },
                shared.nodes.map((a) => h('li', {}, articleButton(a), ` (${a.publishedAt.slice(0, 10)})`)),
                shared.totalCount > shared.nodes.length
                  ? h('li', { class: 'more' }, `and ${formatNumber(shared.totalCount - shared.nodes.length)} more`)
                  : null,
              ),
        ),
        articleView,
      );
      if (!articleId) return 'ready';
      const fetched = await (articleAsked ?? fetchArticle(articleId, signal));
      if (!fetched) {
        replaceChildren(articleView, h('p', { class: 'empty' }, 'This article does not exist (any more).'));
        return 'ready';
      }
      drawArticle(articleView, fetched, {
        quotes: quotes.filter((q) => q.article.id === articleId),
        entity: { id: entity, name: entityName },
        other: { id: other, name: otherName },
      });
      return 'ready';
    });
  }

  /** The entity's stated relationships, each naming the other end as a button that picks that pair. */
  function statedList(name: string, stated: Relationship[], pair: string | null): HTMLElement {
    const shown = stated.slice(0, MAX_LISTED);
    return h(
      'details',
      { class: 'stated', open: stated.length > 0 && stated.length <= 12 },
      h('summary', {}, `Relationships the articles state for ${name} (${formatNumber(stated.length)})`),
      stated.length === 0
        ? h('p', { class: 'empty' }, 'None.')
        : h(
            'ul',
            {},
            shown.map((r) => {
              const other = h(
                'button',
                {
                  type: 'button',
                  class: 'link',
                  'data-pick-pair': r.other.id,
                  'aria-pressed': String(r.other.id === pair),
                  onclick: () => actions.onPair(r.other.id),
                },
                r.other.name,
              );
              const fromIsOther = r.from === r.other.name && r.to !== r.other.name;
              return h(
                'li',
                {},
                fromIsOther ? other : r.from,
                ` ${r.relation} `,
                fromIsOther ? r.to : other,
                h(
                  'span',
                  { class: 'count' },
                  ` (${r.evidence.length} ${r.evidence.length === 1 ? 'quote' : 'quotes'})`,
                ),
              );
            }),
            stated.length > shown.length
              ? h('li', { class: 'more' }, `and ${stated.length - shown.length} more`)
              : null,
          ),
    );
  }

  return { panel, load, relationships };
}

type MarkKind = 'quote' | 'mention-a' | 'mention-b' | 'mention';

function drawArticle(
  into: HTMLElement,
  fetched: { article: ArticleNode; mentions: ArticleMention[]; complete: boolean },
  pair: { quotes: Quote[]; entity: { id: string; name: string }; other: { id: string; name: string } },
) {
  const { article, mentions, complete } = fetched;
  const marks: Mark<MarkKind>[] = [
    ...pair.quotes.map((q) => ({ start: q.start, end: q.end, kind: 'quote' as const })),
    ...mentions.map((m) => ({
      start: m.start,
      end: m.end,
      kind:
        m.entity.id === pair.entity.id
          ? ('mention-a' as const)
          : m.entity.id === pair.other.id
            ? ('mention-b' as const)
            : ('mention' as const),
      label: m.entity.name,
    })),
  ];
  const body = h('div', {
    class: 'article-body',
    tabindex: 0,
    role: 'region',
    'aria-label': `The text of "${article.headline}"`,
  });
  const paragraphs: HTMLElement[] = [];
  let paragraph = h('p', {});
  let quote: { element: HTMLElement; mark: Mark<MarkKind> } | null = null;
  const rank: Record<MarkKind, number> = { 'mention-a': 0, 'mention-b': 1, mention: 2, quote: 3 };
  for (const piece of pieces(article.body, marks)) {
    const quoteMark = piece.marks.find((m) => m.kind === 'quote');
    const mention = piece.marks.filter((m) => m.kind !== 'quote').sort((a, b) => rank[a.kind] - rank[b.kind])[0];
    // Paragraphs are separated by a blank line; a quote never spans two (a paragraph break ends the mark).
    const lines = piece.text.split('\n\n');
    lines.forEach((text, i) => {
      if (i > 0) {
        paragraphs.push(paragraph);
        paragraph = h('p', {});
        quote = null;
      }
      if (text === '') return;
      const span = mention
        ? h('span', { class: mention.kind, 'data-entity-name': mention.label, title: mention.label }, text)
        : document.createTextNode(text);
      if (quoteMark) {
        if (!quote || quote.mark !== quoteMark || quote.element.parentElement !== paragraph) {
          const element = h('mark', { class: 'quote', 'data-start': quoteMark.start, 'data-end': quoteMark.end });
          paragraph.append(element);
          quote = { element, mark: quoteMark };
        }
        quote.element.append(span);
      } else {
        quote = null;
        paragraph.append(span);
      }
    });
  }
  paragraphs.push(paragraph);
  body.append(...paragraphs);
  const mentionCount = (kind: MarkKind) => marks.filter((m) => m.kind === kind).length;
  const key = (className: string, text: string) => h('li', {}, h('span', { class: `key ${className}` }, text));
  replaceChildren(
    into,
    h('h3', { 'data-article-id': article.id }, article.headline),
    h('p', { class: 'caption' }, `${article.publishedAtText} · ${article.source}`),
    h(
      'ul',
      { class: 'legend highlight-legend' },
      pair.quotes.length > 0 ? key('quote', `the quote${pair.quotes.length > 1 ? 's' : ''}`) : null,
      key('mention-a', `${pair.entity.name} (${mentionCount('mention-a')})`),
      key('mention-b', `${pair.other.name} (${mentionCount('mention-b')})`),
      key('mention', `other mentions (${mentionCount('mention')})`),
    ),
    complete ? null : h('p', { class: 'notice' }, `Only the first ${mentions.length} mentions are highlighted.`),
    body,
  );
  const first = body.querySelector<HTMLElement>('mark.quote');
  if (first) body.scrollTop = Math.max(0, first.offsetTop - body.clientHeight / 3);
}
