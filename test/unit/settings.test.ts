import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, validateSettings } from '@/utils/settings';

describe('validateSettings', () => {
  it('accepts a valid change and keeps the other settings', () => {
    const actual = validateSettings(DEFAULT_SETTINGS, { checkIntervalMin: 15 });

    expect(actual).toEqual({ ok: true, settings: { ...DEFAULT_SETTINGS, checkIntervalMin: 15 } });
  });

  it.each([
    {
      change: { checkIntervalMin: 0 },
      field: 'checkIntervalMin',
      message: 'Check interval must be at least 1 minute.',
    },
    {
      change: { checkIntervalMin: 2.5 },
      field: 'checkIntervalMin',
      message: 'Check interval must be a whole number of minutes.',
    },
    {
      change: { refreshLeadMin: '10' },
      field: 'refreshLeadMin',
      message: 'Refresh before expiry must be a number.',
    },
    { change: { enabled: 'yes' }, field: 'enabled', message: 'Enabled must be true or false.' },
    { change: { surprise: 1 }, field: 'surprise', message: 'Unknown setting "surprise".' },
  ])('rejects $change with "$message"', ({ change, field, message }) => {
    const actual = validateSettings(DEFAULT_SETTINGS, change);

    expect(actual).toEqual({ ok: false, errors: [{ field, message }] });
  });

  it('rejects a non-object', () => {
    expect(validateSettings(DEFAULT_SETTINGS, null)).toEqual({
      ok: false,
      errors: [{ field: '', message: 'Settings must be an object.' }],
    });
  });
});
