import * as v from 'valibot';
import { DEFAULT_SETTINGS, SettingsSchema, type Settings } from '../settings';
import type { TokenKeeperDb } from './db';

/** Reads the settings; anything missing or invalid in storage falls back to the defaults. */
export async function loadSettings(db: TokenKeeperDb): Promise<Settings> {
  const stored = await db.get('settings', 'settings');
  const parsed = v.safeParse(SettingsSchema, { ...DEFAULT_SETTINGS, ...stored });
  return parsed.success ? parsed.output : DEFAULT_SETTINGS;
}

/** Writes already-validated settings. */
export async function storeSettings(db: TokenKeeperDb, settings: Settings): Promise<void> {
  await db.put('settings', settings, 'settings');
}
