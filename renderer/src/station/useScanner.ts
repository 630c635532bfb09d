// Takes scans anywhere on the page: the packer never has to click into a box. A burst that lands
// in another text field (the lookup search, say) is taken out of that field and handled as a scan,
// so a scan is never lost; slow typing is left alone and never starts a recording.
//
// On the station view, a key typed while no text field has focus moves the focus to the order box
// (data-scan-input) before the character lands, so what a person types shows there and Enter
// submits it as a typed code. A scanner's burst is told apart in that box too: it is taken out of
// the box and handled as a scan, and whatever the person had typed before it stays.
import { useEffect } from 'react';
import { ScanDetector } from './scanDetector.ts';

function isEditable(el: EventTarget | null): el is HTMLInputElement | HTMLTextAreaElement {
  return el instanceof HTMLInputElement || el instanceof HTMLTextAreaElement || (el instanceof HTMLElement && el.isContentEditable);
}

/** The station view's order box, when it is on screen and can take typing. */
function scanBox(): HTMLInputElement | null {
  const el = document.querySelector('input[data-scan-input]');
  return el instanceof HTMLInputElement && !el.disabled ? el : null;
}

export function useScanner(enabled: boolean, onScan: (code: string) => void): void {
  useEffect(() => {
    if (!enabled) return;
    const detector = new ScanDetector();
    const onKey = (e: KeyboardEvent) => {
      if (e.ctrlKey || e.altKey || e.metaKey || e.isComposing) return;
      const target = e.target;
      const outcome = detector.key(e.key, e.timeStamp);
      if (outcome.kind !== 'scan') {
        // A printable key outside any text field goes to the order box (a space only once the box
        // has text, so Space still presses a focused button). Focus moves during keydown, so the
        // browser inserts the character into the box.
        if (!isEditable(target) && [...e.key].length === 1) {
          const box = scanBox();
          if (box && (e.key !== ' ' || box.value !== '')) {
            box.focus();
            box.setSelectionRange(box.value.length, box.value.length);
          }
        }
        return;
      }
      e.preventDefault();
      e.stopPropagation();
      if (isEditable(target) && !(target instanceof HTMLElement && target.isContentEditable)) {
        // Remove the burst that the field received before we knew it was a scan.
        const field = target as HTMLInputElement | HTMLTextAreaElement;
        const end = field.selectionStart ?? field.value.length;
        const start = Math.max(0, end - outcome.length);
        if (field.value.slice(start, end) === outcome.code) {
          // The prototype's setter, so React's controlled inputs notice the change.
          const proto = field instanceof HTMLInputElement ? HTMLInputElement.prototype : HTMLTextAreaElement.prototype;
          Object.getOwnPropertyDescriptor(proto, 'value')?.set?.call(field, field.value.slice(0, start) + field.value.slice(end));
          field.dispatchEvent(new Event('input', { bubbles: true }));
        }
      }
      onScan(outcome.code);
    };
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, [enabled, onScan]);
}
