import { comesAfter, LIMITS, listPositionOf, type Conversation } from '../protocol/index.ts';
import { handFirst, type RpcCall } from './rpc.ts';

/** Conversations in the first page of the list: a screen of rows and more, quick to send and check. */
export const LIST_FIRST_PAGE = 100;

/**
 * Every conversation of the caller, newest activity first, in pages where the server pages (contract:
 * Paging the list): the first `LIST_FIRST_PAGE`, handed to `onFirst` at once when more may follow,
 * then `LIMITS.listPageMax` at a time after the last row held, until a page comes short. So no answer
 * is large, and a server answers others between pages. A server that does not page answers the whole
 * list to the first request: more rows than asked (its first part goes to `onFirst` as it is checked),
 * or, asked for the next page, rows that are not after the last one held.
 */
export async function listConversationPages(
  call: RpcCall,
  signal?: AbortSignal,
  onFirst?: (first: Conversation[]) => void,
): Promise<Conversation[]> {
  let limit = LIST_FIRST_PAGE;
  let page = await call('conversation.list', { limit }, signal, onFirst);
  if (page.length !== limit) return page;
  if (onFirst) handFirst(onFirst, page);
  const list = page.slice();
  while (page.length === limit) {
    const before = listPositionOf(page[page.length - 1]!);
    limit = LIMITS.listPageMax;
    page = await call('conversation.list', { limit, before }, signal);
    // `before` ignored: this is the whole list (again).
    if (page.some((row) => !comesAfter(listPositionOf(row), before))) return page;
    for (const row of page) list.push(row);
  }
  return list;
}
