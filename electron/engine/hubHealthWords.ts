// The hub's line in the Status view and `doctor` (publish/outbox.ts hubHealthLine makes its English)
// as message codes, part by part, so the Chinese Status view reads it in Chinese. The codes are
// used only where their English is the line's own, word for word: a line worded differently stays
// in English rather than say something else.
import type { HubStatus } from '../../shared/contract/hub.ts';
import { formatMessage, formatMessages, msg, type Message } from '../../shared/messages.ts';

/** The line's parts: which hub, what waits, what the chain still owes, the last success. */
export function hubLineWords(s: HubStatus): Message[] {
  const words: Message[] = [msg('health-hub-link', { name: s.hubName ?? '', url: s.url ?? '' })];
  if (s.outboxDepth === 0) words.push(msg('health-hub-all-published'));
  else if (s.oldestUnpublishedAt) words.push(msg('health-hub-waiting-oldest', { count: s.outboxDepth, time: s.oldestUnpublishedAt }));
  else words.push(msg('health-hub-waiting', { count: s.outboxDepth }));
  if (s.chainBehind === 1) words.push(msg('health-hub-chain-behind-one'));
  else if (s.chainBehind > 1) words.push(msg('health-hub-chain-behind', { count: s.chainBehind }));
  words.push(s.lastSuccessAt ? msg('health-hub-last-success', { time: s.lastSuccessAt }) : msg('health-hub-no-success'));
  return words;
}

const ERROR_CODES = {
  unreachable: 'health-hub-error-unreachable',
  impostor: 'health-hub-error-impostor',
  unauthorized: 'health-hub-error-unauthorized',
  refused: 'health-hub-error-refused',
  'bad-response': 'health-hub-error-bad-response',
  other: 'health-hub-error-other',
} as const;

/** A detail line under the hub's line: the last error or a refused clip, as a code; null for any other line. */
export function hubDetailWords(s: HubStatus, line: string): Message | null {
  const candidates: Message[] = [];
  if (s.lastError) candidates.push(msg(ERROR_CODES[s.lastError.code], { time: s.lastError.at, error: s.lastError.message }));
  if (line.startsWith('refused: ')) candidates.push(msg('health-hub-refused-clip', { what: line.slice('refused: '.length) }));
  return candidates.find((m) => formatMessage(m) === line) ?? null;
}

/** The hub check's codes where they read as its English; nothing where they do not. */
export function hubCheckWords(s: HubStatus, text: string, details: string[]): { messages?: Message[]; detailWords?: (Message | null)[] } {
  const line = hubLineWords(s);
  const detailWords = details.map((d) => hubDetailWords(s, d));
  return {
    ...(formatMessages(line) === text ? { messages: line } : {}),
    ...(detailWords.some((w) => w !== null) ? { detailWords } : {}),
  };
}
