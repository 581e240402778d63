import type { CommunicationClient } from '../sdk/index.ts';

type RpcMethod =
  | 'listConversations'
  | 'getConversation'
  | 'setConversation'
  | 'listMessages'
  | 'sendMessage'
  | 'markRead'
  | 'listContacts';
const RPC_METHODS: readonly RpcMethod[] = [
  'listConversations',
  'getConversation',
  'setConversation',
  'listMessages',
  'sendMessage',
  'markRead',
  'listContacts',
];

/** `client` whose RPC methods call `onSuccess` after each answer from the server (not after a failure). */
export function reportingSuccess(
  client: CommunicationClient,
  onSuccess: () => void,
): CommunicationClient {
  const wrapped: CommunicationClient = { ...client };
  for (const name of RPC_METHODS) {
    const call = client[name] as (...args: unknown[]) => Promise<unknown>;
    (wrapped as unknown as Record<RpcMethod, unknown>)[name] = async (...args: unknown[]) => {
      const result = await call.apply(client, args);
      onSuccess();
      return result;
    };
  }
  return wrapped;
}
