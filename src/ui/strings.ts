import type { Accessor } from 'solid-js';

/**
 * Every text the island shows, in English. A host replaces any of them (`element.strings = { … }`);
 * the functions take the number or name that goes into the text, so a language can put it where it
 * belongs and choose its own plural forms.
 */
export const en = {
  conversations: 'Conversations',
  /** The list's label once the person's name is known: two islands on a page must not share one. */
  conversationsOf: (name: string) => `${name}'s conversations`,
  chats: 'Chats',
  newChat: 'New chat',
  /** New chat is disabled until the list is in: why, as its tooltip. */
  newChatLater: 'New chat works once the conversations are loaded.',
  loadingChats: 'Loading conversations…',
  noChats: 'No conversations yet. Start one with New chat.',
  /** The person's key is unknown to the server (the console tells the page's developer what to check). */
  notKnown: "The server doesn't recognise your account, so your chats can't be shown here.",
  unreachable: (url: string) => `Can't reach the server at ${url}.`,
  /** The server is up but answered the conversation list with an error. */
  listFailing: (url: string) => `The server at ${url} couldn't send the conversation list.`,
  /** The server is up but sent a conversation list that is not what the island expects. */
  listUnreadable: (url: string) =>
    `The server at ${url} sent a conversation list this app can't read.`,
  retryingIn: (seconds: number) => `Retrying in ${seconds} s…`,
  tryingAgain: 'Trying again…',
  retryNow: 'Retry now',
  /** The preview of a conversation without messages. */
  createdWith: (names: string) => `Created with ${names}`,
  unread: (count: number) => `${count} unread`,
  back: 'Back to conversations',
  loading: 'Loading…',
  messages: 'Messages',
  you: 'You',
  /** The title of a conversation with nobody else in it. */
  justYou: 'Just you',
  pick: 'Pick a conversation, or start a new one.',
  newConversation: 'New conversation',
  people: 'People',
  /** The search field of New chat, and its answer when nobody matches. */
  findPeople: 'Search people',
  nobodyFound: 'Nobody by that name.',
  loadingContacts: 'Loading contacts…',
  groupName: 'Group name (optional)',
  createGroup: 'Create group',
  startChat: 'Start chat',
  cancel: 'Cancel',
  live: 'Live',
  connecting: 'Connecting…',
  reconnectingIn: (seconds: number) => `Reconnecting in ${seconds} s…`,
  offline: 'Offline',
  notAuthorised: 'Not authorised',
  /** The composer's label. */
  message: 'Message',
  writeMessage: 'Write a message…',
  pickFirst: 'Pick a conversation',
  send: 'Send',
  tooLong: (max: number) => `Messages are limited to ${max} characters.`,
  loadingOlder: 'Loading older messages…',
  noMessages: 'No messages yet. Say hello!',
  sending: 'Sending',
  sent: 'Sent',
  notSent: 'Not sent.',
  /** A failed send, with the reason: one of the four below (`sync/send-failure.ts`). */
  notSentWhy: (reason: string) => `Not sent: ${reason}.`,
  failedUnreachable: 'the server could not be reached',
  failedClosed: 'the page closed before it went out',
  /** The server refused the message, saying `said` (in the server's words). */
  failedRefused: (said: string) => `the server refused it (${said})`,
  /** The server had a problem; `status` is the HTTP status, when there was one. */
  failedTrouble: (status?: number) =>
    `the server had a problem${status ? ` (HTTP ${status})` : ''}`,
  /** Under a message not sent yet that the browser's storage could not keep (full, say). */
  unsaved:
    'This browser could not keep a copy: it will be lost if the page is reloaded before it is sent.',
  /** Before the text of a message that failed to send, in its conversation's row. */
  unsentPreview: 'Not sent:',
  /** Before a draft's text in its conversation's row. */
  draft: 'Draft:',
  /** The divider above the first unread message. */
  newMessages: 'New messages',
  jumpToLatest: 'Jump to latest',
  below: (count: number) => `${count} ${count === 1 ? 'message' : 'messages'} below`,
  enableNotifications: 'Enable notifications',
  /** Under the start of a long message, and under the whole of it once opened. */
  showMore: 'Show more',
  showLess: 'Show less',
  retry: 'Retry',
  discard: 'Discard',
  /** Who is typing, by name: one, two, or the first and how many more. */
  typing: (names: readonly string[]) =>
    names.length === 1
      ? `${names[0]} is typing…`
      : names.length === 2
        ? `${names[0]} and ${names[1]} are typing…`
        : `${names[0]} and ${names.length - 1} others are typing…`,
  /** Under the newest own message the other person of a DM has read. */
  seen: 'Seen',
  /** The same in a group: who has read it, the first three by name. */
  seenBy: (names: readonly string[]) =>
    `Seen by ${names.slice(0, 3).join(', ')}${names.length > 3 ? ` +${names.length - 3}` : ''}`,
  /** Beside the time of a message its sender changed. */
  edited: 'edited',
  /** In place of a message deleted for everyone, and as the preview when it was the last. */
  messageDeleted: 'Message deleted',
  /** The button that opens an own message's actions. */
  messageActions: 'Message actions',
  edit: 'Edit',
  deleteForEveryone: 'Delete for everyone',
  /** Above the composer while it holds an edit. */
  editing: 'Editing message',
  save: 'Save',
  /** Why an edit or deletion did not happen. */
  editTooLate: 'Messages can be edited for 15 minutes after sending.',
  changeRefused: 'The server refused the change.',
  changeUnreachable: "Couldn't reach the server; nothing was changed.",
};

/** The island's texts; a host's partial replacement is a `Partial<Strings>`. */
export type Strings = typeof en;

const reported = new Set<string>();

/**
 * The entries of `input` that can replace texts: a known key with a value of the same kind as the
 * English one (a string, or a function). Anything else is reported once in the console and ignored,
 * so a typo in a host's table shows up and breaks nothing.
 */
export function validStrings(input: unknown): Partial<Strings> {
  const valid: Record<string, unknown> = {};
  const problem = (text: string) => {
    if (!reported.has(text)) console.warn(`[hero-messaging] strings: ${text}; ignored`);
    reported.add(text);
  };
  if (input === null || typeof input !== 'object') {
    if (input != null) problem(`expected an object, not ${typeof input}`);
    return valid;
  }
  for (const [key, value] of Object.entries(input)) {
    const english = (en as Record<string, unknown>)[key];
    if (!Object.hasOwn(en, key)) problem(`unknown key "${key}"`);
    else if (typeof value !== typeof english)
      problem(`"${key}" must be a ${typeof english}, not ${typeof value}`);
    else valid[key] = value;
  }
  return valid as Partial<Strings>;
}

/** The texts to show: each a host's replacement from `overrides` if it has one, else English (reactive). */
export function makeStrings(overrides: Accessor<Partial<Strings>>): Strings {
  const strings = {} as Strings;
  for (const key of Object.keys(en) as (keyof Strings)[]) {
    Object.defineProperty(strings, key, {
      get: () => overrides()[key] ?? en[key],
      enumerable: true,
    });
  }
  return strings;
}
