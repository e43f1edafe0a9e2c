import '../i18n/en-comments.js';
import { ContextConsumer } from '@lit/context';
import { css } from 'lit';
import { commentCounts } from '../../client/comments.js';
import type { MediaClient } from '../../client/media-client.js';
import { libraryContext } from '../state/contexts.js';
import type { AssetGridElement } from './asset-grid.js';
import { adoptStyles } from './part-events.js';

const badgeStyles = css`
  .cell .comments {
    position: absolute;
    top: 6px;
    inset-inline-start: 6px;
    padding: 1px 6px;
    border-radius: 9px;
    background: var(--_accent);
    color: var(--_on-accent);
    font-size: 11px;
    font-weight: 600;
    pointer-events: none;
  }
`;

/** Files counted per call at most (the server's limit), and per listing. */
const perCall = 100;
const perListing = 500;

/** Clients whose server has no comments (ImageKit): asked once, never again. */
const unsupported = new WeakSet<MediaClient>();
const consumers = new WeakMap<AssetGridElement, ContextConsumer<typeof libraryContext, AssetGridElement>>();

/**
 * Puts "n comments" badges on the grid's cells: counts for the listed files, asked of the media
 * server (`/_ml/comment-counts`) whenever the listing changes. Nothing where the server has none.
 */
export async function countComments(grid: AssetGridElement): Promise<void> {
  let consumer = consumers.get(grid);
  if (!consumer) {
    consumer = new ContextConsumer(grid, { context: libraryContext });
    consumers.set(grid, consumer);
  }
  const client = consumer.value?.client;
  if (!client || unsupported.has(client)) return;
  adoptStyles(grid.shadowRoot, badgeStyles);
  const ids = grid.items
    .slice(0, perListing)
    .flatMap((asset) => (asset.type === 'folder' ? [] : [asset.fileId]));
  const counts: Record<string, { count: number; open: number }> = {};
  try {
    for (let i = 0; i < ids.length; i += perCall)
      Object.assign(counts, await commentCounts(client, ids.slice(i, i + perCall)));
  } catch {
    unsupported.add(client);
    return;
  }
  grid.commentBadges = counts;
}
