// One StationController for the whole app: recording goes on while the packer looks something up.
// The camera opens only once the station view is shown, so a customer-service browser that only
// uses the lookup never asks for a camera.
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { onEvent } from '../api/index.ts';
import { applyLanguageSetting } from '../i18n/index.ts';
import { StationController, type StationSnapshot } from './StationController.ts';
import { playCue, playedCues } from './sounds.ts';
import { useScanner } from './useScanner.ts';

interface StationContextValue {
  controller: StationController;
  snapshot: StationSnapshot;
  activate(): void;
  active: boolean;
  /** A warning or error of the last few seconds: the window colour when idle, a band inside the red window while recording. */
  alert: 'warn' | 'error' | null;
}

const Ctx = createContext<StationContextValue | null>(null);

declare global {
  interface Window {
    /** For tests, benchmarks and accessibility tools. */
    __pwStation?: StationController;
    /** For tests: the sounds played, in order (the audio itself cannot be heard headless). */
    __pwCues?: readonly string[];
  }
}

/** A warning or error stays visible as the window colour this long after it was shown. */
const ALERT_MS = 4000;

export function StationProvider({ children }: { children: ReactNode }) {
  const controller = useMemo(() => new StationController(), []);
  const [snapshot, setSnapshot] = useState(controller.snapshot);
  const [active, setActive] = useState(false);
  const [alert, setAlert] = useState<'warn' | 'error' | null>(null);

  useEffect(() => controller.subscribe(setSnapshot), [controller]);
  useEffect(() => {
    window.__pwStation = controller;
    window.__pwCues = playedCues;
    window.packwitness?.onShutdownRequest(() => controller.shutdown());
    return () => controller.dispose();
  }, [controller]);

  // Sounds follow the setting; read at play time so a change applies at once.
  useEffect(() => {
    controller.onCue = (cue) => {
      if (controller.snapshot.settings?.sounds !== false) playCue(cue);
    };
  }, [controller]);

  // Problems the engine finds while running must reach the packer as an alarm, not a log line.
  useEffect(() => onEvent('station.problem', (p) => controller.engineProblem(p.message, p.words)), [controller]);
  // The engine ended a recording on its own: the window must not go on saying "Recording".
  useEffect(() => onEvent('recording.ended', (p) => controller.engineEnded(p)), [controller]);
  useEffect(
    () =>
      onEvent('settings.changed', (s) => {
        controller.applySettings(s);
        applyLanguageSetting(s.language);
      }),
    [controller],
  );
  useEffect(() => {
    if (snapshot.settings) applyLanguageSetting(snapshot.settings.language);
  }, [snapshot.settings?.language]); // on a language change only, not on every settings change

  // The whole window shows the state (readable from two metres): body[data-state] drives the
  // background colour, body[data-alert] turns it orange/purple for a few seconds after a problem.
  useEffect(() => {
    // Not yet active: 'idle' for a page that never opens the station (lookup only), but never a
    // false 'idle' in the instant before the station view activates (it is 'starting' then).
    if (active) document.body.dataset.state = snapshot.phase;
    else if (!document.querySelector('.station')) document.body.dataset.state = 'idle';
    document.body.dataset.mode = snapshot.clipMode ?? snapshot.mode;
    document.body.dataset.active = active ? 'true' : 'false';
    if (snapshot.order) document.body.dataset.order = snapshot.order;
    else delete document.body.dataset.order;
  }, [snapshot.phase, snapshot.order, snapshot.mode, snapshot.clipMode, active]);
  useEffect(() => {
    const m = snapshot.message;
    if (!m || m.level === 'info') return;
    setAlert(m.level);
    const id = setTimeout(() => setAlert(null), Math.max(0, ALERT_MS - (Date.now() - m.at)));
    return () => clearTimeout(id);
  }, [snapshot.message]);
  useEffect(() => {
    if (alert && active) document.body.dataset.alert = alert;
    else delete document.body.dataset.alert;
  }, [alert, active]);

  // Any key or click keeps a recording from being stopped as idle.
  useEffect(() => {
    if (!active) return;
    const touch = () => controller.activity();
    window.addEventListener('keydown', touch, true);
    window.addEventListener('pointerdown', touch, true);
    return () => {
      window.removeEventListener('keydown', touch, true);
      window.removeEventListener('pointerdown', touch, true);
    };
  }, [active, controller]);

  const activate = useCallback(() => {
    if (active) return;
    setActive(true);
    void controller.init();
  }, [active, controller]);

  const onScan = useCallback((code: string) => void controller.scan(code), [controller]);
  useScanner(active, onScan);

  const value = useMemo(() => ({ controller, snapshot, activate, active, alert }), [controller, snapshot, activate, active, alert]);
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

export function useStation(): StationContextValue {
  const v = useContext(Ctx);
  if (!v) throw new Error('useStation outside StationProvider');
  return v;
}
