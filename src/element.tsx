import { createSignal, type Accessor, type Setter } from 'solid-js';
import type { CommunicationClient } from './sdk/index.ts';
import type { SessionEnvironment } from './sync/index.ts';
import { hostStatus, type HostStatus } from './ui/host-status.ts';
import { adoptStyles, afterTask, mountIsland, type Routing } from './ui/index.ts';
import { validStrings, type Strings } from './ui/strings.ts';

export type { HostStatus } from './ui/host-status.ts';
export type { Strings } from './ui/strings.ts';

/** Attributes of `<hero-messaging>`. */
export interface HeroMessagingAttributes {
  /** Base URL of the OSIS router (`''` or `/` for the page's origin). Required. */
  'osis-url': string;
  /** Context name. Required. */
  context: string;
  /** The person's public key. Required. */
  'public-key': string;
  /** `memory` (default) keeps the host's URL alone; `hash` routes in `location.hash`. */
  routing?: Routing;
  /** `sse` (default) or `poll`, for hosts behind proxies that buffer streams. */
  transport?: 'sse' | 'poll';
  /** `auto` (default) follows `prefers-color-scheme`; `light` or `dark` fixes the colours. */
  theme?: 'light' | 'dark' | 'auto';
  /**
   * Present (empty or `true`): desktop notifications of messages that arrive while the page is hidden,
   * once the person allows them in the island. Absent or `false` (default): none.
   */
  notify?: '' | 'true' | 'false';
  /**
   * `on` (default): the others in a chat see how far the person has read ("Seen"), and the person sees
   * how far they have. `off`: neither, as in chat apps that let you turn read receipts off.
   */
  'read-receipts'?: 'on' | 'off';
}

/** Events the element dispatches (bubbling, composed), each only when its detail changes. */
export interface HeroMessagingEventMap {
  /** The unread total across the person's conversations. */
  'hm-unread': CustomEvent<{ total: number }>;
  /** The connection: `connecting`, `live`, `reconnecting` or `offline` (with `retryAt`, unix ms), `unauthorized`. */
  'hm-status': CustomEvent<HostStatus>;
  /** The open chat; `undefined` when the person goes back to the list. */
  'hm-open': CustomEvent<{ sid: string | undefined }>;
}

const REQUIRED = ['osis-url', 'context', 'public-key'] as const;
/** The values each optional attribute takes (`''`: present and empty). */
const CHOICES: Record<string, readonly string[]> = {
  routing: ['memory', 'hash'],
  transport: ['sse', 'poll'],
  theme: ['light', 'dark', 'auto'],
  notify: ['', 'true', 'false'],
  'read-receipts': ['on', 'off'],
};
const OBSERVED = [...REQUIRED, ...Object.keys(CHOICES), 'lang'];
// An adopted sheet, not a style="" attribute: a host's `style-src 'self'` blocks the attribute.
const NOTE_CSS =
  '.hm-problem { font: 14px system-ui, sans-serif; color: #c62828; padding: 12px; margin: 0; }';

/** `values` in words: `"sse" or "poll"`, `empty, "true" or "false"`. */
function oneOf(values: readonly string[]): string {
  const words = values.map((v) => (v === '' ? 'empty' : `"${v}"`));
  return `${words.slice(0, -1).join(', ')} or ${words.at(-1)}`;
}

/**
 * `<hero-messaging>`: the island in an open shadow root. Changing an identity attribute restarts it
 * for the new identity; removing it stops every request, timer and listener (moving it does not).
 */
export class HeroMessagingElement extends HTMLElement {
  static readonly observedAttributes = OBSERVED;
  /** Transport for the island's requests; set before connecting (tests, or hosts with their own). */
  fetch: typeof fetch | undefined;
  /** Or a ready-made client; its identity must match the attributes. */
  client: CommunicationClient | undefined;
  /** Default `true`: the tabs of one identity share one live stream (one tab per browser holds it). */
  shareAcrossTabs: boolean | undefined;
  /** Clock, timers, visibility and render schedule for the island; set before connecting (tests, benchmarks). Default: the page's. */
  environment: Partial<SessionEnvironment> | undefined;
  private teardown: (() => void) | undefined;
  /** Cancels the start scheduled on connection. */
  private pending: (() => void) | undefined;
  private readonly texts: Accessor<Partial<Strings>>;
  private readonly setTexts: Setter<Partial<Strings>>;
  private readonly hostLang: Accessor<string | undefined>;
  private readonly setHostLang: Setter<string | undefined>;
  private showsProblem = false;
  // The last detail sent per event type, as JSON: a host hears of changes only. No chat is open
  // before the island starts, so opening none at start is not news.
  private sent = new Map<string, string>([['hm-open', '{}']]);

  constructor() {
    super();
    this.attachShadow({ mode: 'open' });
    // Signals, so that the running island follows a new table or language without restarting.
    const [texts, setTexts] = createSignal<Partial<Strings>>({});
    const [hostLang, setHostLang] = createSignal<string>();
    this.texts = texts;
    this.setTexts = setTexts;
    this.hostLang = hostLang;
    this.setHostLang = setHostLang;
  }

  /**
   * Texts replacing the island's English ones, any time (see `Strings`): `{ newChat: 'Neuer Chat',
   * unread: (n) => `${n} ungelesen` }`. Unknown keys and values of the wrong kind are reported once
   * in the console and ignored. Default `{}`.
   */
  get strings(): Partial<Strings> {
    return this.texts();
  }

  set strings(value: Partial<Strings>) {
    this.setTexts(validStrings(value));
  }

  connectedCallback(): void {
    if (!this.teardown && !this.pending) this.begin();
  }

  /**
   * A problem with the attributes shows at once. The island mounts in a task of its own: a page that
   * adds the element (or fixes its attributes) while it loads does not get the mount added to its own
   * long task.
   */
  private begin(): void {
    if (this.problem()) return this.start();
    this.pending = afterTask(() => {
      this.pending = undefined;
      if (!this.teardown) this.start();
    });
  }

  disconnectedCallback(): void {
    // Moving the element disconnects and reconnects it in one task: only a real removal stops it.
    queueMicrotask(() => {
      if (!this.isConnected) this.stop();
    });
  }

  attributeChangedCallback(name: string, previous: string | null, next: string | null): void {
    if (previous === next || (!this.teardown && !this.pending)) return;
    // The language of dates and times follows at once; the texts are the host's to replace.
    if (name === 'lang') {
      this.setHostLang(this.language());
      return;
    }
    // The theme is applied by the styles (`:host([theme])`): the island restarts only to show or
    // clear the note about a bad value.
    if (name === 'theme' && !this.showsProblem && !this.problem()) return;
    this.stop();
    this.begin();
  }

  private start(): void {
    const root = this.shadowRoot!;
    root.replaceChildren();
    const problem = this.problem();
    this.showsProblem = problem !== undefined;
    if (problem) return this.showProblem(problem);
    const osisUrl = this.getAttribute('osis-url')!.trim();
    this.setHostLang(this.language());
    try {
      this.teardown = mountIsland(root, {
        baseUrl: osisUrl === '/' ? '' : osisUrl,
        context: this.getAttribute('context')!.trim(),
        publicKey: this.getAttribute('public-key')!.trim(),
        routing: (this.getAttribute('routing') as Routing | null) ?? 'memory',
        transport: (this.getAttribute('transport') as 'sse' | 'poll' | null) ?? 'sse',
        fetch: this.fetch,
        client: this.client,
        environment: this.environment,
        shareAcrossTabs: this.shareAcrossTabs ?? true,
        notify: this.hasAttribute('notify') && this.getAttribute('notify') !== 'false',
        receipts: this.getAttribute('read-receipts') !== 'off',
        strings: this.texts,
        lang: this.hostLang,
        onUnread: (total) => this.emit('hm-unread', { total }),
        onStatus: (status) => this.emit('hm-status', hostStatus(status)),
        onOpen: (sid) => this.emit('hm-open', { sid }),
        // The island has undone itself: the note takes its place.
        onFailure: (error) => this.couldNotStart(error),
      });
    } catch (error) {
      this.couldNotStart(error);
    }
  }

  /** A host whose Trusted Types policy refuses `hero-messaging` ends up here, among others. */
  private couldNotStart(error: unknown): void {
    this.showProblem(`could not start: ${error instanceof Error ? error.message : String(error)}`);
  }

  /**
   * Shows `problem` inside the element instead of the island, and tells the host that nothing is
   * connected, nor tries to be, and nothing is known unread (not the last island's figures).
   */
  private showProblem(problem: string): void {
    const note = document.createElement('p');
    note.setAttribute('role', 'alert');
    note.className = 'hm-problem';
    note.textContent = `hero-messaging: ${problem}`;
    const releaseStyles = adoptStyles(this.shadowRoot!, NOTE_CSS);
    this.shadowRoot!.append(note);
    this.teardown = () => {
      releaseStyles();
      note.remove();
    };
    // Told once the host's own script is done, and only if the note is still there: a host that adds
    // the element and then sets its attributes never hears of a note it never saw. Status last: a host
    // that fixes the attribute as soon as it hears finds the note in place to take away.
    queueMicrotask(() => {
      if (!note.isConnected) return;
      this.emit('hm-unread', { total: 0 });
      if (note.isConnected) this.emit('hm-status', { status: 'offline' });
    });
  }

  private stop(): void {
    this.pending?.();
    this.pending = undefined;
    this.teardown?.();
    this.teardown = undefined;
  }

  /** The host's language: `lang` on the element or its nearest ancestor (the island falls back to the browser's). */
  private language(): string | undefined {
    return this.closest('[lang]')?.getAttribute('lang') || undefined;
  }

  /** What is wrong with the attributes, in words, or undefined. */
  private problem(): string | undefined {
    const missing = REQUIRED.filter((name) => !this.getAttribute(name)?.trim());
    if (missing.length > 0)
      return `missing attribute${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`;
    for (const [name, values] of Object.entries(CHOICES)) {
      const value = this.getAttribute(name);
      if (value !== null && !values.includes(value))
        return `${name} must be ${oneOf(values)}, not "${value}"`;
    }
    const url = this.getAttribute('osis-url')!.trim();
    if (url !== '/' && !/^https?:\/\/[^\s/]+/.test(url) && !url.startsWith('/'))
      return `osis-url must be an http(s) URL or a path, not "${url}"`;
    return undefined;
  }

  private emit<K extends keyof HeroMessagingEventMap>(
    type: K,
    detail: HeroMessagingEventMap[K]['detail'],
  ): void {
    const json = JSON.stringify(detail);
    if (this.sent.get(type) === json) return;
    this.sent.set(type, json);
    this.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }));
  }
}

/** Registers the element under `tagName` (default `hero-messaging`); calling it again does nothing. */
export function defineHeroMessaging(tagName = 'hero-messaging'): typeof HeroMessagingElement {
  const existing = customElements.get(tagName);
  if (existing) return existing as typeof HeroMessagingElement;
  // A subclass per extra tag name: one constructor can be defined once only.
  const ctor = customElements.getName?.(HeroMessagingElement)
    ? class extends HeroMessagingElement {}
    : HeroMessagingElement;
  customElements.define(tagName, ctor);
  return ctor;
}

declare global {
  interface HTMLElementTagNameMap {
    'hero-messaging': HeroMessagingElement;
  }
  // Declaration merging: typed `addEventListener('hm-unread', …)` on any element.
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface HTMLElementEventMap extends HeroMessagingEventMap {}
}
