// Turns a station message (an i18n key with parameters) into text in the packer's language.
// Times travel as ISO strings and are formatted here with Intl; a mode travels as its id.
import type { TFunction } from 'i18next';
import type { Msg } from '../../../shared/stationMachine.ts';
import { dateTime } from '../format.ts';
import { wordMessages } from '../i18n/message.ts';

export function renderMsg(t: TFunction, msg: Msg, lang: string): string {
  const params: Record<string, string | number> = { ...msg.params };
  if (typeof params.when === 'string') params.when = dateTime(params.when, lang);
  if (params.mode === 'shipping' || params.mode === 'returns') params.mode = t(`station.mode.${params.mode}`);
  for (const [name, ms] of Object.entries(msg.words ?? {})) params[name] = wordMessages(t, ms, String(params[name] ?? ''));
  return t(msg.key, params);
}
