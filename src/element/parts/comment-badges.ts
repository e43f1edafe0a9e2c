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

/** Files counted per call at most (the server's limit), and per update (the cells rendered are fewer). */
const perCall = 100;
const perListing = 500;

/** Clients whose server has no comments (ImageKit): asked once, never again. */
const unsupported = new WeakSet<MediaClient>();
const consumers = new WeakMap<AssetGridElement, ContextConsumer<typeof libraryContext, AssetGridElement>>();

/**
 * Puts "n comments" badges on the grid's cells: counts for the files of the cells rendered (`first`
 * to `last`), asked of the media server (`/_ml/comment-counts`) whenever the listing changes, and
 * kept for the cells that leave. Nothing where the server has none.
 */
export async function countComments(grid: AssetGridElement, first: number, last: number): Promise<void> {
  let consumer = consumers.get(grid);
  if (!consumer) {
    consumer = new ContextConsumer(grid, { context: libraryContext });
    consumers.set(grid, consumer);
  }
  const client = consumer.value?.client;
  if (!client || unsupported.has(client)) return;
  adoptStyles(grid.shadowRoot, badgeStyles);
  // The rendered cells' files, wherever they are: the first 500 of a million-row listing are not what is shown after End.
  const ids = grid.items
    .slice(first, Math.min(last + 1, first + perListing))
    .filter((asset) => asset.type !== 'folder')
    .map((asset) => (asset as { fileId: string }).fileId);
  if (ids.length === 0) return;
  const counts: Record<string, { count: number; open: number }> = {};
  try {
    for (let i = 0; i < ids.length; i += perCall)
      Object.assign(counts, await commentCounts(client, ids.slice(i, i + perCall)));
  } catch {
    unsupported.add(client);
    return;
  }
  const badges = { ...grid.commentBadges };
  // A file asked about and not answered has no comments (any more).
  for (const id of ids) delete badges[id];
  grid.commentBadges = Object.assign(badges, counts);
}
