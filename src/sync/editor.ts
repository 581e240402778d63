import { createSignal, type Accessor } from 'solid-js';
import { LIMITS, RpcErrorCode, type ChatMessage } from '../protocol/index.ts';
import { CommunicationError, type CommunicationClient } from '../sdk/index.ts';
import type { SessionEnvironment } from './environment.ts';
import { applyUpdate } from './merge.ts';
import type { Sender } from './sender.ts';
import type { Bubble } from './state.ts';
import type { ChatStore } from './store.ts';

/** Why an edit or a deletion did not happen; `ok` when it did (or, for a message not sent yet, will go out with it). */
export type ChangeResult = { ok: true } | { ok: false; error: 'empty' | 'too-long' | 'too-late' | 'refused' | 'unreachable' };

/** Editing and deleting one's own messages: sent ones through the server, unsent ones in the outbox. */
export interface Editor {
  /**
   * Whether `bubble` can be edited (`'edit'`) or deleted now: one's own, not deleted, and for a sent
   * one a server that numbers messages and has not answered that it cannot; an edit within
   * `LIMITS.editWindowS` of sending.
   */
  can(what: 'edit' | 'delete', bubble: Bubble): boolean;
  edit(bubble: Bubble, content: string): Promise<ChangeResult>;
  remove(bubble: Bubble): Promise<ChangeResult>;
  /** False once the server answered that it has no such methods (reactive). */
  readonly supported: Accessor<boolean>;
}

export function makeEditor(options: {
  client: Pick<CommunicationClient, 'editMessage' | 'deleteMessage'>;
  store: ChatStore;
  sender: Pick<Sender, 'edit' | 'discard'>;
  env: Pick<SessionEnvironment, 'now'>;
  signal: AbortSignal;
}): Editor {
  const { client, store, sender, env, signal } = options;
  const me = store.current().me;
  const [supported, setSupported] = createSignal(true);

  /** A call to the server; the changed message lands in the open chat. */
  async function change(call: () => Promise<ChatMessage>): Promise<ChangeResult> {
    try {
      const message = await call();
      store.update((s) => applyUpdate(s, message));
      return { ok: true };
    } catch (error) {
      if (signal.aborted) return { ok: false, error: 'unreachable' };
      if (error instanceof CommunicationError && error.code === RpcErrorCode.MethodNotFound) {
        // A server without edits: the menu goes, and nothing is said to the person.
        setSupported(false);
        return { ok: false, error: 'refused' };
      }
      return { ok: false, error: error instanceof CommunicationError && !error.retryable ? 'refused' : 'unreachable' };
    }
  }

  const sentOwn = (b: Bubble) => b.status === 'sent' && b.sid !== undefined && b.seq !== undefined && supported();
  const can: Editor['can'] = (what, b) => {
    if (b.sender_public_key !== me || b.deleted) return false;
    if (b.status !== 'sent') return what === 'edit' || b.status === 'failed';
    return sentOwn(b) && (what === 'delete' || env.now() - b.time < LIMITS.editWindowS * 1000);
  };

  return {
    can,
    supported,
    async edit(bubble, content) {
      const text = content.trim();
      if (text.length < LIMITS.contentMin) return { ok: false, error: 'empty' };
      if (text.length > LIMITS.contentMax) return { ok: false, error: 'too-long' };
      if (!can('edit', bubble)) return { ok: false, error: bubble.status === 'sent' && sentOwn(bubble) ? 'too-late' : 'refused' };
      if (text === bubble.content) return { ok: true };
      if (bubble.status !== 'sent') {
        sender.edit(bubble.nonce!, text);
        return { ok: true };
      }
      const sid = store.current().open!.sid;
      return change(() => client.editMessage({ sid, message_sid: bubble.sid!, content: text }, signal));
    },
    async remove(bubble) {
      if (!can('delete', bubble)) return { ok: false, error: 'refused' };
      if (bubble.status === 'failed') {
        sender.discard(bubble.nonce!);
        return { ok: true };
      }
      const sid = store.current().open!.sid;
      return change(() => client.deleteMessage({ sid, message_sid: bubble.sid! }, signal));
    },
  };
}
