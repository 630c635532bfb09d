// What a clip's signed manifest says about the shipping label in the picture (its `labels` field,
// electron/engine/labels.ts): the label seen, when; a different tracking number in the picture; or
// the camera reading and never seeing it. The same words `verify` gives (labels.ts labelVerifyCheck),
// without zod so verify.html can carry it. Informational: what the picture showed says nothing
// about whether the file was changed.
import { clipTimeLabel } from '../labelRules.ts';

export interface LabelVerdict {
  kind: 'seen' | 'mismatch' | 'not-seen';
  text: string;
}

interface SealedLabels {
  source: 'camera' | 'scanner' | null;
  seenAtMs: number | null;
  mismatch: string[];
}

/** The `labels` field as the manifest carries it, or null when it is absent or not one (no camera reading). */
function sealedLabels(v: unknown): SealedLabels | null {
  if (!v || typeof v !== 'object') return null;
  const l = v as Record<string, unknown>;
  const seen = l.seenAtMs;
  const source = l.source;
  if (!Array.isArray(l.reads) || !Array.isArray(l.mismatch) || !l.mismatch.every((m) => typeof m === 'string')) return null;
  if (seen !== null && !(typeof seen === 'number' && Number.isInteger(seen) && seen >= 0)) return null;
  if (source !== null && source !== 'camera' && source !== 'scanner') return null;
  return { source, seenAtMs: seen, mismatch: l.mismatch as string[] };
}

export function labelVerdict(labels: unknown, orders: readonly string[]): LabelVerdict | null {
  const l = sealedLabels(labels);
  if (!l) return null;
  const order = orders.join(', ');
  const source = l.source === 'camera' ? ' The code was read by the camera.' : '';
  if (l.mismatch.length)
    return {
      kind: 'mismatch',
      text: `LABEL MISMATCH: the picture showed ${l.mismatch.join(', ')}, but the clip is filed under ${order} (signed in the manifest).${source}`,
    };
  if (l.seenAtMs !== null)
    return { kind: 'seen', text: `The label ${order} is in the picture: seen at ${clipTimeLabel(l.seenAtMs)} (signed in the manifest).${source}` };
  return { kind: 'not-seen', text: `The camera was reading but did not see the label ${order} in the picture.${source}` };
}
