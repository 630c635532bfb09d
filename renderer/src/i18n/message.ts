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

/** Several sentences from the engine, each in the UI language, as one line. */
export function wordMessages(t: TFunction, ms: readonly (Message | null | undefined)[], fallback = ''): string {
  if (!ms.length || ms.some((m) => !m || !isMessageCode(m.code))) return fallback;
  return joinSentences(ms.map((m) => wordMessage(t, m)));
}

/** One thing a check found, after its kind's label ("broken link: …"). */
export function wordFinding(t: TFunction, kind: string, m: Message): string {
  const label = `problem-${kind}`;
  return t('engineWords.finding', { label: isMessageCode(label) ? wordMessage(t, { code: label, params: {} }) : kind, text: wordMessage(t, m, m.code) });
}

/** A verify check line (VerifyCheck): its sentences and findings in the UI language, else its English text. */
export function wordCheck(t: TFunction, c: { text: string; message?: Message; messages?: Message[]; findings?: { kind: string; message: Message }[] }): string {
  const sentences = [...(c.message ? [c.message] : []), ...(c.messages ?? [])];
  if (!sentences.length && !c.findings?.length) return c.text;
  if (sentences.some((m) => !isMessageCode(m.code)) || c.findings?.some((f) => !isMessageCode(f.message.code))) return c.text;
  const parts = [...sentences.map((m) => wordMessage(t, m)), ...(c.findings ?? []).map((f) => wordFinding(t, f.kind, f.message))];
  return joinSentences(parts);
}

/** Sentences side by side: a space after Latin punctuation, none after full-width (Chinese) punctuation. */
export function joinSentences(parts: readonly string[]): string {
  return parts.reduce((line, part) => (!line ? part : /[\u3000-\u303f\uff00-\uffef]$/.test(line) ? line + part : `${line} ${part}`), '');
}
