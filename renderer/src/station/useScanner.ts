// Takes scans anywhere on the page: the packer never has to click into a box. A burst that lands
// in another text field (the lookup search, say) is taken out of that field and handled as a scan,
// so a scan is never lost; slow typing is left alone and never starts a recording.
import { useEffect } from 'react';
import { ScanDetector } from './scanDetector.ts';

function isEditable(el: EventTarget | null): el is HTMLInputElement | HTMLTextAreaElement {
  return el instanceof HTMLInputElement || el instanceof HTMLTextAreaElement;
}

export function useScanner(enabled: boolean, onScan: (code: string) => void): void {
  useEffect(() => {
    if (!enabled) return;
    const detector = new ScanDetector();
    const onKey = (e: KeyboardEvent) => {
      if (e.ctrlKey || e.altKey || e.metaKey) return;
      const target = e.target;
      // The station's own scan box submits by itself (typed codes included).
      if (target instanceof HTMLElement && target.dataset.scanInput !== undefined) return;
      const outcome = detector.key(e.key, e.timeStamp);
      if (outcome.kind !== 'scan') return;
      e.preventDefault();
      e.stopPropagation();
      if (isEditable(target)) {
        // Remove the burst that the field received before we knew it was a scan.
        const end = target.selectionStart ?? target.value.length;
        const start = Math.max(0, end - outcome.length);
        if (target.value.slice(start, end) === outcome.code) {
          // The prototype's setter, so React's controlled inputs notice the change.
          const proto = target instanceof HTMLInputElement ? HTMLInputElement.prototype : HTMLTextAreaElement.prototype;
          Object.getOwnPropertyDescriptor(proto, 'value')?.set?.call(target, target.value.slice(0, start) + target.value.slice(end));
          target.dispatchEvent(new Event('input', { bubbles: true }));
        }
      }
      onScan(outcome.code);
    };
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, [enabled, onScan]);
}
