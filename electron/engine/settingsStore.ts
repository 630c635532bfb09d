import os from 'node:os';
import { Settings } from '../../shared/contract.ts';
import type { Db } from './db.ts';
import { defaultStationSettings } from '../../shared/contract/station.ts';
import { defaultLabelSettings } from '../../shared/contract/labels.ts';
import { defaultTsaUrls } from './evidence/defaultTsas.ts';

export function defaultSettings(): Settings {
  return {
    // The host name is what a warehouse already calls the PC; the packer can rename it.
    stationName: (os.hostname() || 'Station').slice(0, 60),
    width: 1280,
    height: 720,
    fps: 30,
    // ~2.5 Mbit/s keeps 720p30 label text sharp at about 19 MB per minute.
    videoBitsPerSecond: 2_500_000,
    minClipMs: 0,
    // No clip runs longer than 30 minutes unless the station is set otherwise: ten times the few
    // minutes a parcel takes, enough for a large multi-item order, while a recording left running
    // beside a moving picture (a conveyor, people walking past) that the idle stop cannot end costs
    // at most ~560 MB. A packer still packing past it rescans the label: both clips carry the order.
    maxClipMs: 30 * 60_000,
    cameraDeviceId: null,
    microphone: false, // the evidence is the picture; sound is recorded only when a site asks for it
    startAtLogin: false,
    clipsDir: null, // <data>/clips
    reserveMb: null, // automatic: see defaultReserveBytes in storage.ts
    keepDays: 0,
    // A full disk stops every future recording; the oldest clips (never those on legal hold) are
    // the cheapest thing to give up, and each deletion is logged.
    deleteOldestForSpace: true,
    // ...but never a clip younger than 120 days. Buyers open disputes long after packing: Amazon's
    // A-to-z claims run to 90 days after the latest estimated delivery date, which for a
    // cross-border parcel is up to a month after packing, and card chargebacks run 120 days from
    // the purchase or the expected delivery. (PayPal's item-not-received disputes run 180 days from
    // payment: a shop paid through PayPal raises it.) Protecting these clips costs disk, so the
    // Status view says how long the disk lasts and warns a week before the window can no longer be
    // kept; below the reserve with only protected clips left, recording is refused, not evidence eaten.
    protectDays: 120,
    // Public RFC 3161 services, tried in order; only SHA-256 hashes leave the PC (defaultTsas.ts).
    tsaUrls: defaultTsaUrls(),
    tsaCerts: [], // tokens are checked against the certificates they carry and the public roots
    ...defaultStationSettings(),
    ...defaultLabelSettings(),
  };
}

/**
 * Stations installed before a default changed need no migration: the settings table holds only the
 * keys someone set (update() writes the patch, the Settings view sends only the fields it changed,
 * the first-run card and the serve flags only theirs). A key without a row was never chosen and
 * takes today's default, so such a station gets the protective auto stop and protect window at its
 * next start; a stored value (even 0, "off") was a person's choice and is kept.
 */
export class SettingsStore {
  readonly db: Db;
  constructor(db: Db) {
    this.db = db;
  }

  get(): Settings {
    const stored: Record<string, unknown> = {};
    for (const r of this.db.prepare('SELECT key, value FROM settings').all() as { key: string; value: string }[]) {
      try {
        stored[r.key] = JSON.parse(r.value);
      } catch {
        // A damaged value falls back to its default below instead of breaking the station.
      }
    }
    const merged = { ...defaultSettings(), ...stored };
    const parsed = Settings.safeParse(merged);
    if (parsed.success) return parsed.data;
    // Keep every stored value that is still valid on its own.
    const out: Record<string, unknown> = { ...defaultSettings() };
    for (const [k, v] of Object.entries(stored)) {
      const probe = Settings.safeParse({ ...out, [k]: v });
      if (probe.success) out[k] = v;
    }
    return out as Settings;
  }

  update(patch: Partial<Settings>): Settings {
    const next = Settings.parse({ ...this.get(), ...patch });
    const put = this.db.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value=excluded.value');
    this.db.transaction(() => {
      for (const [k, v] of Object.entries(patch)) put.run(k, JSON.stringify(v));
    })();
    return next;
  }
}

/** One stored setting as written (JSON text), or undefined when it was never set: for readers that must not parse the rest. */
export function storedSetting(db: Db, key: keyof Settings): string | undefined {
  return (db.prepare('SELECT value FROM settings WHERE key=?').get(key) as { value: string } | undefined)?.value;
}
