// At most this many chain entries per request (the hub's limit: MAX_CHAIN_BATCH in shared/hubWire.ts).
export const MAX_CHAIN_ENTRIES = 500;
