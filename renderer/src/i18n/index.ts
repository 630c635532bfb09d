import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import { en } from './en.ts';
import { zhCN } from './zh-CN.ts';

export const LANGUAGES = { en: 'English', 'zh-CN': '简体中文' } as const;
export type Language = keyof typeof LANGUAGES;

/** Follows the system language unless the user picked one. */
export function initialLanguage(): Language {
  const saved = localStorage.getItem('pw.lang');
  if (saved && saved in LANGUAGES) return saved as Language;
  return navigator.language.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en';
}

export async function initI18n(): Promise<void> {
  await i18next.use(initReactI18next).init({
    resources: { en: { translation: en }, 'zh-CN': { translation: zhCN } },
    lng: initialLanguage(),
    fallbackLng: 'en',
    interpolation: { escapeValue: false }, // React escapes already
  });
  document.documentElement.lang = i18next.language;
}

export function setLanguage(lang: Language): void {
  localStorage.setItem('pw.lang', lang);
  void i18next.changeLanguage(lang);
  document.documentElement.lang = lang;
}

/**
 * The station's language setting ('system', 'en', 'zh-CN') applies unless this browser picked a
 * language itself in the header (a LAN phone may read another language than the station PC).
 */
export function applyLanguageSetting(setting: 'system' | Language): void {
  if (localStorage.getItem('pw.lang')) return;
  const lang: Language = setting === 'system' ? (navigator.language.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en') : setting;
  if (i18next.language !== lang) {
    void i18next.changeLanguage(lang);
    document.documentElement.lang = lang;
  }
}
