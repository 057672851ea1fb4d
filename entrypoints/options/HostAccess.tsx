import { useEffect, useState } from 'preact/hooks';
import { t } from '@/components/i18n';
import { hostList, type RequestOrigins } from './hostPermissions';

/** Props for {@link HostAccess}. */
export interface HostAccessProps {
  /** The manifest's host patterns not granted now. */
  missing: () => Promise<string[]>;
  /** Asks the browser for them (must run inside the click). */
  request: RequestOrigins;
  /** Calls back when grants change elsewhere (the add-ons manager); returns the unsubscribe. */
  subscribe: (onChange: () => void) => () => void;
}

/**
 * Says which sign-in servers Token Keeper may not reach yet and asks for them on a click. Shown only while
 * some are missing: in Firefox the person grants host access (docs/architecture.md#firefox).
 */
export function HostAccess({ missing, request, subscribe }: HostAccessProps) {
  const [patterns, setPatterns] = useState<string[]>([]);
  const [declined, setDeclined] = useState(false);

  useEffect(() => {
    let active = true;
    const check = () =>
      void missing().then(
        (found) => active && setPatterns(found),
        () => undefined,
      );
    check();
    const unsubscribe = subscribe(check);
    return () => {
      active = false;
      unsubscribe();
    };
  }, [missing, subscribe]);

  if (patterns.length === 0) return null;

  function allow() {
    // Called straight from the click, before any await: Firefox grants only inside the user's gesture.
    request(patterns).then(
      async (granted) => {
        setDeclined(!granted);
        setPatterns(await missing());
      },
      () => setDeclined(true),
    );
  }

  return (
    <div
      class="banner host-access"
      role="region"
      aria-label={t('hostAccessTitle')}
      data-testid="host-access"
    >
      <p>
        <strong>{t('hostAccessTitle')}</strong> {t('hostAccessMissing', hostList(patterns))}
      </p>
      <p>{t('hostAccessWhy')}</p>
      <button type="button" class="primary" onClick={allow}>
        {t('hostAccessAllow')}
      </button>
      {declined && (
        <p role="status" data-testid="host-access-declined">
          {t('hostAccessDeclined')}
        </p>
      )}
    </div>
  );
}
