// The bundle's entry: loading it, by a script tag or an import, registers the element. Every other
// module is free of side effects: code here that imports `defineHeroMessaging` from element.tsx (the
// dev pages, tests) chooses the moment, or the tag, itself.
import { defineHeroMessaging } from './element.tsx';

defineHeroMessaging();

export { defineHeroMessaging, HeroMessagingElement } from './element.tsx';
export type { HeroMessagingAttributes, HeroMessagingEventMap, HostStatus } from './element.tsx';
export { createCommunicationClient, CommunicationError } from './sdk/index.ts';
export type * from './sdk/index.ts';
export type { ConnectionStatus } from './sync/index.ts';
export type { Strings } from './ui/strings.ts';
