// The app's views. A new view is a file in this folder plus one entry here; App renders the nav
// from this list and picks the view from the URL hash (#/station, #/lookup, ...).
import type { ComponentType } from 'react';
import { LookupView } from './LookupView.tsx';
import { StationView } from './StationView.tsx';
import { ControlSheetView } from './ControlSheetView.tsx';
import { SettingsView } from './SettingsView.tsx';
import { VerifyView } from './VerifyView.tsx';
import { StatusView } from './StatusView.tsx';
import { MessagesView } from './MessagesView.tsx';

export interface ViewEntry {
  id: string;
  /** i18n key of the nav label. */
  labelKey: string;
  component: ComponentType;
  /** Reached by its address only, not listed in the nav. */
  hidden?: boolean;
}

export const views: ViewEntry[] = [
  { id: 'station', labelKey: 'nav.station', component: StationView },
  { id: 'lookup', labelKey: 'nav.lookup', component: LookupView },
  { id: 'codes', labelKey: 'nav.codes', component: ControlSheetView },
  { id: 'settings', labelKey: 'nav.settings', component: SettingsView },
  { id: 'verify', labelKey: 'nav.verify', component: VerifyView },
  { id: 'status', labelKey: 'nav.status', component: StatusView },
  { id: 'messages', labelKey: 'nav.status', component: MessagesView, hidden: true },
];
