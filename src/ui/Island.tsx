import { createEffect, createMemo, createRoot, createSignal, onCleanup } from 'solid-js';
import { insert } from 'solid-js/web';
import {
  createCommunicationClient,
  normalizeOsisUrl,
  type CommunicationClient,
} from '../sdk/index.ts';
import {
  createChatSession,
  createDrafts,
  draftKey,
  legacyOutboxKey,
  outboxKey,
  sessionEnvironment,
  totalUnread,
  type ConnectionStatus,
  type OutboxStorage,
  type SessionEnvironment,
} from '../sync/index.ts';
import { IslandApp } from './App.tsx';
import { IslandContext } from './context.ts';
import { createNotifications, type NotificationApi } from './notifications.ts';
import { createIslandRouter, type IslandRouter, type Routing } from './routing.ts';
import { adoptStyles } from './stylesheet.ts';
import { afterTask, pageEnvironment } from './frames.ts';
import { usableLocale, warmFormatters } from './format.ts';
import { makeStrings, type Strings } from './strings.ts';
import css from './styles.css?inline';

export interface IslandOptions {
  /** Base URL of the OSIS router; `''` for the same origin. */
  baseUrl: string;
  context: string;
  publicKey: string;
  /**
   * Default `memory`: the island never touches the host's URL. `hash` keeps its place in
   * `location.hash`; a host with its own router passes an adapter (read once, at mount).
   */
  routing?: Routing | IslandRouter;
  /** Default `sse`. */
  transport?: 'sse' | 'poll';
  /** Default `fetch`. */
  fetch?: typeof fetch;
  /** A ready-made client (tests, or a host that shares one); the identity fields must match it. */
  client?: CommunicationClient;
  /** Default `false`: the tabs of this identity share one live stream (see `ClientOptions`). */
  shareAcrossTabs?: boolean;
  /**
   * Clock, randomness, timers, visibility and the render schedule of the session. Default: the
   * page's (`document` visibility, at most three renders per frame however many events arrive).
   */
  environment?: Partial<SessionEnvironment>;
  /** Where unsent messages and drafts are kept. Default `localStorage` where available. */
  storage?: OutboxStorage;
  /** Default `true`: read receipts, sent and shown (see `SessionOptions.receipts`). */
  receipts?: boolean;
  /** Default `false`. Desktop notifications of messages that arrive while the page is hidden, once the person allows them. */
  notify?: boolean;
  /** Default the global `Notification` (tests pass a fake). */
  Notification?: NotificationApi;
  /** Brings the tab forward when a notification is clicked. Default `window.focus()`. */
  focus?: () => void;
  /** Texts replacing the English ones (see `strings.ts`; `validStrings` checks a host's), read reactively. Default: none. */
  strings?: () => Partial<Strings>;
  /** The language for dates and times (a BCP 47 tag), read reactively. Default: the browser's (`navigator.language`). */
  lang?: () => string | undefined;
  onUnread?: (total: number) => void;
  onStatus?: (status: ConnectionStatus) => void;
  onOpen?: (sid: string | undefined) => void;
  /**
   * The views render in the task after the session starts. Should that throw (a host's Trusted Types
   * policy refusing the templates, say), this is told; `mountIsland` has torn the island down by then.
   * Default: the error is thrown on, from that task.
   */
  onFailure?: (error: unknown) => void;
}

function defaultStorage(): OutboxStorage | undefined {
  try {
    return globalThis.localStorage ?? undefined;
  } catch {
    return undefined;
  }
}

/** The island as a Solid component: a client, a live session and the UI, torn down with its owner. */
export function Island(props: IslandOptions) {
  const options = { ...props };
  const client =
    options.client ??
    createCommunicationClient({
      baseUrl: options.baseUrl,
      context: options.context,
      publicKey: options.publicKey,
      fetch: options.fetch,
      shareAcrossTabs: options.shareAcrossTabs,
      // One environment for the island: the stream's clock, randomness and timers are the session's.
      environment: options.environment,
    });
  const origin = typeof location === 'undefined' ? '' : location.origin;
  const environment = { ...pageEnvironment(), ...options.environment };
  const storage = options.storage ?? defaultStorage();
  // Unsent messages and drafts are kept per server, as the tabs' shared stream is named.
  const osis = normalizeOsisUrl(options.baseUrl, globalThis.location?.href);
  const { context, publicKey } = options;
  // Older versions kept them per page origin, whatever server they talked to: a server on this
  // origin takes them over (theirs, most likely); one elsewhere leaves them be, for it must never
  // send another server's message.
  const adopts = !!origin && (osis === origin || osis.startsWith(`${origin}/`));
  const drafts = createDrafts(
    storage,
    (sid) => draftKey(osis, context, publicKey, sid),
    adopts && osis !== origin ? (sid) => draftKey(origin, context, publicKey, sid) : undefined,
  );
  const session = createChatSession({
    client,
    transport: options.transport,
    receipts: options.receipts,
    environment,
    storage,
    outboxKey: outboxKey(osis, context, publicKey),
    legacyOutboxKey: adopts ? legacyOutboxKey(origin, context, publicKey) : undefined,
  });
  // The island's one clock for what it shows ("5 min"), on the session's clock and timers.
  const clock = sessionEnvironment(environment);
  const [now, setNow] = createSignal(clock.now());
  let tick: unknown;
  const ticking = () => {
    tick = clock.setTimeout(() => {
      setNow(clock.now());
      ticking();
    }, 1000);
  };
  ticking();
  onCleanup(() => clock.clearTimeout(tick));
  // 0 until the list is in: the first part of a long list, shown before the rest, has only part of the total.
  createEffect(() => options.onUnread?.(session.loaded() ? totalUnread(session.store.view()) : 0));
  createEffect(() => options.onStatus?.(session.status()));
  // Made here, not in the app, so a clicked notification can open its chat.
  const router = createIslandRouter(options.routing ?? 'memory');
  const notifications = options.notify
    ? createNotifications({
        session,
        api:
          options.Notification ?? (globalThis as { Notification?: NotificationApi }).Notification,
        isVisible: environment.isVisible ?? (() => true),
        open: (sid) => router.navigate(`/chat/${encodeURIComponent(sid)}`),
        focus: options.focus,
      })
    : undefined;
  const t = makeStrings(() => options.strings?.() ?? {});
  const locale = createMemo(
    () => usableLocale(options.lang?.()) ?? usableLocale(globalThis.navigator?.language),
  );
  // In tasks of their own, once the island has mounted: not part of the mount, nor of the first rows' paint.
  let stopWarming = () => {};
  const warm = setTimeout(() => (stopWarming = warmFormatters(locale())), 16);
  onCleanup(() => {
    clearTimeout(warm);
    stopWarming();
  });
  // The address as given, or this page's origin when the island talks to its own.
  const server = options.baseUrl || origin;
  // The UI renders in the task after the session starts: its requests are on their way sooner, and
  // neither half of a cold start (code the page runs for the first time) holds the page as long.
  const [shown, setShown] = createSignal(false);
  onCleanup(
    afterTask(() => {
      try {
        setShown(true);
      } catch (error) {
        if (!options.onFailure) throw error;
        options.onFailure(error);
      }
    }),
  );
  return (
    <IslandContext.Provider
      value={{ session, drafts, me: options.publicKey, now, notifications, t, locale, server }}
    >
      {shown() && <IslandApp router={router} onOpen={options.onOpen} />}
    </IslandContext.Provider>
  );
}

/**
 * Renders the island into `target` (an element or a shadow root), its styles adopted by target's root;
 * returns the teardown. The session starts at once and its views render in the next task. If rendering
 * throws, all it started is undone before the error reaches the caller: thrown from this call, or told
 * to `onFailure` when the views fail.
 */
export function mountIsland(target: Element | ShadowRoot, options: IslandOptions): () => void {
  const releaseStyles = adoptStyles(target, css);
  const container = document.createElement('div');
  container.className = 'hm-host';
  target.append(container);
  let dispose!: () => void;
  const teardown = () => {
    dispose();
    releaseStyles();
    container.remove();
  };
  try {
    createRoot((disposeRoot) => {
      dispose = disposeRoot;
      const props: IslandOptions = {
        ...options,
        onFailure(error) {
          teardown();
          if (!options.onFailure) throw error;
          options.onFailure(error);
        },
      };
      // One spread, not props beside it: Solid would merge them with code the bundle has no other use for.
      insert(container, <Island {...props} />);
    });
  } catch (error) {
    // Solid's render() loses its disposer when rendering throws (a host's Trusted Types policy refusing
    // the templates, say), and the session would stream on unseen: undo everything, then throw.
    teardown();
    throw error;
  }
  return teardown;
}
