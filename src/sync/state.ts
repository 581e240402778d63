import type { ChatMessage, Contact, Conversation } from '../protocol/index.ts';
import { emptyRows, type Rows } from './rows.ts';
import type { SendFailure } from './send-failure.ts';

/** A message the person wrote that the server has not confirmed yet. */
export interface PendingSend {
  nonce: string;
  conversation_sid: string;
  content: string;
  /** unix ms, when it was written */
  created_at: number;
  state: 'sending' | 'failed';
  /**
   * Why the last try failed. Stored as `failure`, a field version 0.1 did not have: its `error` held
   * English words, and a tab of either version ignores the other's field rather than drop the entry.
   */
  failure?: SendFailure;
  /** Whether trying again as it is may help (network trouble) or not (the server refused it). */
  retryable?: boolean;
  /** While `sending`: the tab whose try it is, and when the try began (unix ms); see `SEND_GRACE_MS`. */
  owner?: string;
  since?: number;
  /** Storage could not keep it (full, or refusing): a reload loses it. Never stored itself. */
  unsaved?: true;
}

export interface OpenChat {
  sid: string;
  /** Confirmed messages, ascending by seq. */
  messages: ChatMessage[];
  /** Its messages have been fetched at least once. */
  loaded: boolean;
  /** Older messages exist on the server below `messages[0]`. */
  hasOlder: boolean;
}

/** The island's whole state, as plain data. */
export interface ChatState {
  /** The island's public key: "own" is decided by it alone. */
  me: string;
  /** Newest activity first (see `rows.ts`: a change costs O(log n)). */
  conversations: Rows;
  contacts: Contact[];
  open: OpenChat | undefined;
  /** Unconfirmed sends of every conversation, in the order they were written. */
  outbox: PendingSend[];
}

export function initialState(me: string, outbox: PendingSend[] = []): ChatState {
  return { me, conversations: emptyRows, contacts: [], open: undefined, outbox };
}

/** What a snapshot fetched: the list, and the open chat's newest page when there is one. */
export interface Snapshot {
  conversations?: Conversation[];
  chat?: { sid: string; messages: ChatMessage[]; hasOlder: boolean };
}

/** One bubble of the open chat, confirmed or not; `key` stays the same when a send is confirmed. */
export interface Bubble {
  key: string;
  sid: string | undefined;
  seq: number | undefined;
  sender_public_key: string;
  content: string;
  /** unix ms */
  time: number;
  status: 'sent' | 'sending' | 'failed';
  failure?: SendFailure;
  /** Not sent yet, and storage could not keep it: a reload loses it. */
  unsaved?: true;
  nonce?: string;
  /** Its sender edited it since. */
  edited?: true;
  /** Deleted for everyone: its place is kept, its content is gone. */
  deleted?: true;
}
