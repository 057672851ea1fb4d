import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import messages from '@/public/_locales/en/messages.json';
import { t } from '@/components/i18n';
import { englishLookup } from './catalog';

const ROOT = join(import.meta.dirname, '../../..');
const KEYS = Object.keys(messages);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.(ts|tsx)$/.test(name) ? [path] : [];
  });
}

/** Everything the pages, the manifest and the worker's notifications can show: where message keys are used. */
const SOURCES = [
  ...sourceFiles(join(ROOT, 'components')),
  ...sourceFiles(join(ROOT, 'entrypoints')),
  join(ROOT, 'wxt.config.ts'),
  join(ROOT, 'utils/engine/attention.ts'),
  join(ROOT, 'utils/background/alerts.ts'),
  // Provider presets name the notes pages show about them (plain data, read by the pages).
  join(ROOT, 'utils/providers.ts'),
].map((path) => ({ path: relative(ROOT, path), text: readFileSync(path, 'utf8') }));

describe('the English catalog', () => {
  it('has every key the code asks for', () => {
    const used = new Set<string>();
    for (const { text } of SOURCES) {
      for (const match of text.matchAll(/\b(?:t|tNodes)\(\s*'([A-Za-z0-9_]+)'/g))
        used.add(match[1]!);
      for (const match of text.matchAll(/__MSG_([A-Za-z0-9_]+)__/g)) used.add(match[1]!);
    }

    const missing = [...used].filter((key) => !KEYS.includes(key));

    expect(missing).toEqual([]);
    expect(used.size).toBeGreaterThan(100);
  });

  it('has no key that no code uses', () => {
    const unused = KEYS.filter(
      (key) =>
        !SOURCES.some(({ text }) => text.includes(`'${key}'`) || text.includes(`__MSG_${key}__`)),
    );

    expect(unused).toEqual([]);
  });

  it('names messages as Chrome allows and uses only $1…$9 substitutions', () => {
    const bad = Object.entries(messages as Record<string, { message: string }>).filter(
      ([key, entry]) => !/^[A-Za-z0-9_]+$/.test(key) || /\$(?![1-9])/.test(entry.message),
    );

    expect(bad).toEqual([]);
  });
});

describe('t', () => {
  it('substitutes in order and shows the key of a message that does not exist', () => {
    const actual = [
      englishLookup('summaryAllHealthy', ['3']),
      t('durationHoursMinutes', 1, 5),
      t('noSuchKey' as never),
    ];

    expect(actual).toEqual(['All 3 connections healthy', '1 h 5 min', 'noSuchKey']);
  });
});

describe('t', () => {
  it('looks each message up once, fills substitutions in itself, and looks again after the lookup is swapped', async () => {
    const { setMessageLookup } = await import('@/components/i18n');
    const asked: string[] = [];
    const counting = (text: string) => (key: string, substitutions: string[]) => {
      asked.push(key);
      return `${text}${substitutions[1] ?? ''}<${substitutions[0] ?? ''}>`;
    };
    try {
      setMessageLookup(counting('A'));
      const first = [
        t('refreshNow'),
        t('refreshNow'),
        t('countdownIn', '1:00'),
        t('countdownIn', '2:00'),
        t('durationHoursMinutes', 1, 5),
        // A substitution is text, never read as a placeholder.
        t('countdownIn', '$1 \ue001'),
      ];
      setMessageLookup(counting('B'));
      const after = [t('refreshNow'), t('countdownIn', '3:00')];

      expect(first).toEqual(['A<>', 'A<>', 'A<1:00>', 'A<2:00>', 'A5<1>', 'A<$1 \ue001>']);
      expect(after).toEqual(['B<>', 'B<3:00>']);
      expect(asked).toEqual([
        'refreshNow',
        'countdownIn',
        'durationHoursMinutes',
        'refreshNow',
        'countdownIn',
      ]);
    } finally {
      setMessageLookup(englishLookup);
    }
  });
});
