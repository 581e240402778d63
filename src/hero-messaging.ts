// The entry for `<script type="module" src=".../hero-messaging.js">`: registers the element. Every other
// module is free of side effects; import `defineHeroMessaging` to choose the moment (or the tag) yourself.
import { defineHeroMessaging } from './element.tsx';

defineHeroMessaging();

export { defineHeroMessaging, HeroMessagingElement } from './element.tsx';
export type { HeroMessagingAttributes, HeroMessagingEventMap, HostStatus } from './element.tsx';
export { createCommunicationClient, CommunicationError } from './sdk/index.ts';
export type * from './sdk/index.ts';
export type { ConnectionStatus } from './sync/index.ts';
export type { Strings } from './ui/strings.ts';
