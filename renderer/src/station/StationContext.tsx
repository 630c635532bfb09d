// One StationController for the whole app: recording goes on while the packer looks something up.
// The camera opens only once the station view is shown, so a customer-service browser that only
// uses the lookup never asks for a camera.
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { StationController, type StationSnapshot } from './StationController.ts';
import { useScanner } from './useScanner.ts';

interface StationContextValue {
  controller: StationController;
  snapshot: StationSnapshot;
  activate(): void;
  active: boolean;
}

const Ctx = createContext<StationContextValue | null>(null);

declare global {
  interface Window {
    /** For tests, benchmarks and accessibility tools. */
    __pwStation?: StationController;
  }
}

export function StationProvider({ children }: { children: ReactNode }) {
  const controller = useMemo(() => new StationController(), []);
  const [snapshot, setSnapshot] = useState(controller.snapshot);
  const [active, setActive] = useState(false);

  useEffect(() => controller.subscribe(setSnapshot), [controller]);
  useEffect(() => {
    window.__pwStation = controller;
    window.packwitness?.onShutdownRequest(() => controller.shutdown());
    return () => controller.dispose();
  }, [controller]);

  useEffect(() => {
    document.body.dataset.state = active ? snapshot.phase : 'idle';
    if (snapshot.order) document.body.dataset.order = snapshot.order;
    else delete document.body.dataset.order;
  }, [snapshot.phase, snapshot.order, active]);

  const activate = useCallback(() => {
    if (active) return;
    setActive(true);
    void controller.init();
  }, [active, controller]);

  const onScan = useCallback((code: string) => void controller.scan(code), [controller]);
  useScanner(active, onScan);

  const value = useMemo(() => ({ controller, snapshot, activate, active }), [controller, snapshot, activate, active]);
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

export function useStation(): StationContextValue {
  const v = useContext(Ctx);
  if (!v) throw new Error('useStation outside StationProvider');
  return v;
}
