// The UI's words for an engine message (shared/messages.ts): the code's text in the UI language,
// with its parameters. A message without a known code shows the engine's English text.
import type { TFunction } from 'i18next';
import { errorMessage } from '../../../shared/errorMessage.ts';
import { isMessageCode, type Message } from '../../../shared/messages.ts';

export function wordMessage(t: TFunction, m: Message | null | undefined, fallback = ''): string {
  if (!m || !isMessageCode(m.code)) return fallback;
  return t(`engine.${m.code}`, { ...m.params, interpolation: { escapeValue: false } });
}

/** What a failed call says, in the UI language when the engine gave a code. */
export function wordError(t: TFunction, err: unknown): string {
  const words = typeof err === 'object' && err !== null && 'words' in err ? (err.words as Message | undefined) : undefined;
  return wordMessage(t, words, errorMessage(err));
}
