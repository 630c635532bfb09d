// What a clip's signed manifest says about the shipping label in the picture (its `labels` field,
// electron/engine/labels.ts): the label seen, when; a different tracking number in the picture; or
// the camera reading and never seeing it. The same words `verify` gives (labels.ts labelVerifyCheck),
// without zod so verify.html can carry it. Informational: what the picture showed says nothing
// about whether the file was changed.
import { clipTimeLabel } from '../labelRules.ts';
import { pkgWord, wordPackage, type PackageWord } from './packageWords.ts';

export interface LabelVerdict {
  kind: 'seen' | 'mismatch' | 'not-seen';
  /** The English words. */
  text: string;
  /** The same as a code of the package check's table (shared/evidence/packageWords.ts), for any language. */
  word: PackageWord;
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
  const camera = l.source === 'camera' ? pkgWord('pkg-label-camera') : '';
  const verdict = (kind: LabelVerdict['kind'], word: PackageWord): LabelVerdict => ({ kind, text: wordPackage(word.code, word.params), word });
  if (l.mismatch.length) return verdict('mismatch', pkgWord('pkg-label-mismatch', { seen: l.mismatch.join(', '), order, camera }));
  if (l.seenAtMs !== null) return verdict('seen', pkgWord('pkg-label-seen', { order, at: clipTimeLabel(l.seenAtMs), camera }));
  return verdict('not-seen', pkgWord('pkg-label-not-seen', { order, camera }));
}
