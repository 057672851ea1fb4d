import { describe, expect, it } from 'vitest';
import './catalog';
import { DEFAULT_SETTINGS } from '@/utils/settings';
import { parseSettingsForm, settingsToForm } from '@/entrypoints/options/settingsForm';

const filled = settingsToForm(DEFAULT_SETTINGS);

describe('parseSettingsForm', () => {
  it('turns the typed numbers into numbers', () => {
    const input = { ...filled, enabled: false, checkIntervalMin: ' 15 ', quickRetries: '0' };

    const actual = parseSettingsForm(input);

    expect(actual).toEqual({
      ok: true,
      change: { ...DEFAULT_SETTINGS, enabled: false, checkIntervalMin: 15, quickRetries: 0 },
    });
  });

  it('passes fractions and out-of-range numbers on for the worker to judge', () => {
    const input = { ...filled, refreshLeadMin: '2.5', historyRetentionDays: '-3' };

    const actual = parseSettingsForm(input);

    expect(actual).toEqual({
      ok: true,
      change: { ...DEFAULT_SETTINGS, refreshLeadMin: 2.5, historyRetentionDays: -3 },
    });
  });

  it.each([
    { field: 'checkIntervalMin', text: '', expected: 'Check interval is required.' },
    { field: 'checkIntervalMin', text: '   ', expected: 'Check interval is required.' },
    { field: 'refreshLeadMin', text: 'ten', expected: 'Refresh before expiry must be a number.' },
    { field: 'quickRetries', text: '0x3', expected: 'Quick retries must be a number.' },
    { field: 'historyRetentionDays', text: '1e2', expected: 'History retention must be a number.' },
  ] as const)('$field = "$text" → $expected', ({ field, text, expected }) => {
    const input = { ...filled, [field]: text };

    const actual = parseSettingsForm(input);

    expect(actual).toEqual({ ok: false, errors: [{ field, message: expected }] });
  });
});

describe('settingsToForm', () => {
  it('shows each number as text', () => {
    const input = DEFAULT_SETTINGS;

    const actual = settingsToForm(input);

    expect(actual).toEqual({
      enabled: true,
      checkIntervalMin: '5',
      refreshLeadMin: '10',
      quickRetries: '3',
      historyRetentionDays: '30',
    });
  });
});
