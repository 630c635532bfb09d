// `serve` flags for the free-space reserve and retention. They are stored in the settings, as if
// set in the Settings view, so the station keeps them on its next start.
import type { Settings } from '../../shared/contract.ts';
import { UsageError } from './common.ts';

export const storageOptions = {
  'reserve-mb': { type: 'string' },
  'keep-days': { type: 'string' },
  'no-delete-for-space': { type: 'boolean' },
  'protect-days': { type: 'string' },
} as const;

export const storageUsage = '[--reserve-mb N|auto] [--keep-days N] [--no-delete-for-space] [--protect-days N]';

function count(flag: string, value: string, max: number): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n > max) throw new UsageError(`--${flag} must be a whole number 0..${max}, not ${value}`);
  return n;
}

/** The settings patch the flags ask for (empty when none was given). */
export function storagePatch(values: {
  'reserve-mb'?: string;
  'keep-days'?: string;
  'no-delete-for-space'?: boolean;
  'protect-days'?: string;
}): Partial<Settings> {
  const patch: Partial<Settings> = {};
  const reserve = values['reserve-mb'];
  if (reserve !== undefined) patch.reserveMb = reserve === 'auto' ? null : count('reserve-mb', reserve, 10_000_000);
  if (values['keep-days'] !== undefined) patch.keepDays = count('keep-days', values['keep-days'], 36_500);
  if (values['no-delete-for-space']) patch.deleteOldestForSpace = false;
  if (values['protect-days'] !== undefined) {
    patch.protectDays = count('protect-days', values['protect-days'], 36_500);
    if (patch.protectDays < 1) throw new UsageError('--protect-days must be at least 1 (clips younger than a day are never deleted for space)');
  }
  return patch;
}
