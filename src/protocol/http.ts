/** Where the communication service lives under the router's base URL (see README.md). */
export const SERVICE_PATH = '/hero_osis_communication';
export const HEADER_CONTEXT = 'X-Hero-Context';
export const HEADER_PUBLIC_KEY = 'X-Public-Key';
