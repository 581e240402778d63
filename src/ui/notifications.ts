import { createSignal, onCleanup, type Accessor } from 'solid-js';
import type { ChatSession } from '../sync/index.ts';
import { contactName } from './format.ts';

/** What the island uses of the browser's `Notification`: the constructor, the permission, the request for it. */
export interface NotificationApi {
  new (
    title: string,
    options: { body: string; tag: string },
  ): { onclick: ((event: Event) => void) | null; close(): void };
  readonly permission: NotificationPermission;
  requestPermission(): Promise<NotificationPermission>;
}

export interface NotificationsOptions {
  session: ChatSession;
  /** Default the global `Notification`; none: nothing is shown and nothing asked. */
  api: NotificationApi | undefined;
  /** Whether the person can see the island; a notification is shown only while not. */
  isVisible: () => boolean;
  /** Opens chat `sid` in the island (its router). */
  open: (sid: string) => void;
  /** Brings this tab forward. Default `window.focus()`. */
  focus?: () => void;
}

/** Desktop notifications, opt-in (`notify`): the permission as a signal, and asking for it. */
export interface Notifications {
  /** `undefined` where the browser has no notifications. */
  readonly permission: Accessor<NotificationPermission | undefined>;
  /** Asks the person for permission: call it from a click only. */
  ask(): void;
}

/** Longest preview in a notification's body, in characters (UTF-16 code units, the ellipsis included). */
export const PREVIEW_CHARS = 100;

// Control characters other than whitespace, and the bidi marks, embeddings, overrides and isolates: a
// notification shows them raw, where they reorder or garble the text around them.
const CONTROLS = /(?!\s)[\p{Cc}\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/gu;

/**
 * A message as a notification's body: one line, without control characters, at most `PREVIEW_CHARS`,
 * cut between graphemes (by code point where `Intl.Segmenter` is missing), so that no emoji is split.
 */
export function notificationPreview(content: string): string {
  const text = content.replace(CONTROLS, '').replace(/\s+/g, ' ').trim();
  if (text.length <= PREVIEW_CHARS) return text;
  let cut = 0;
  // A prefix is enough: a grapheme that runs past it ends at the limit, and so is left out anyway.
  const head = text.slice(0, PREVIEW_CHARS);
  const parts = Intl.Segmenter
    ? Array.from(new Intl.Segmenter().segment(head), (s) => s.segment)
    : Array.from(head);
  for (const part of parts) {
    if (cut + part.length >= PREVIEW_CHARS) break;
    cut += part.length;
  }
  return `${text.slice(0, cut)}…`;
}

/**
 * Shows a notification for each message from someone else while the page is hidden, unless another
 * tab of the person shows its chat (`ChatSession.shownElsewhere`): one per message
 * across the person's tabs, since the session hands it to one tab (`onIncoming`), and the browser
 * replaces rather than repeats one with the same tag (the message's sid). Its title is the sender's
 * name, its body a preview; a click focuses the tab and opens the chat. Stops with its owner.
 */
export function createNotifications(options: NotificationsOptions): Notifications {
  const { api, session } = options;
  const [permission, setPermission] = createSignal(api?.permission);
  onCleanup(
    session.onIncoming((message) => {
      // Not while the person can see the island, here or in another tab showing that very chat.
      if (
        api?.permission !== 'granted' ||
        options.isVisible() ||
        session.shownElsewhere(message.conversation_sid)
      )
        return;
      const shown = new api(
        contactName(message.sender_public_key, session.store.state().contacts),
        {
          body: notificationPreview(message.content),
          tag: message.sid,
        },
      );
      shown.onclick = () => {
        (options.focus ?? (() => globalThis.focus()))();
        options.open(message.conversation_sid);
        shown.close();
      };
    }),
  );
  return {
    permission,
    ask() {
      const settle = () => setPermission(api?.permission);
      // Old Safari answers through a callback, not a promise: then this settles at once.
      Promise.resolve(api?.requestPermission()).then(settle, settle);
    },
  };
}
