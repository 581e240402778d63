import { createSignal, onCleanup, type Accessor } from 'solid-js';
import type { ChatSession } from '../sync/index.ts';
import { contactName } from './format.ts';

/** What the island uses of the browser's `Notification`: the constructor, the permission, the request for it. */
export interface NotificationApi {
  new (title: string, options: { body: string; tag: string }): { onclick: ((event: Event) => void) | null; close(): void };
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

/** Longest preview in a notification's body, in characters. */
export const PREVIEW_CHARS = 100;

/**
 * Shows a notification for each message from someone else while the page is hidden: one per message
 * across the person's tabs, since the session hands it to one tab (`onIncoming`), and the browser
 * replaces rather than repeats one with the same tag (the message's sid). Its title is the sender's
 * name, its body a preview; a click focuses the tab and opens the chat. Stops with its owner.
 */
export function createNotifications(options: NotificationsOptions): Notifications {
  const { api, session } = options;
  const [permission, setPermission] = createSignal(api?.permission);
  onCleanup(
    session.onIncoming((message) => {
      if (api?.permission !== 'granted' || options.isVisible()) return;
      const text = message.content.replace(/\s+/g, ' ').trim();
      const shown = new api(contactName(message.sender_public_key, session.store.peek().contacts), {
        body: text.length > PREVIEW_CHARS ? `${text.slice(0, PREVIEW_CHARS - 1)}…` : text,
        tag: message.sid,
      });
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
