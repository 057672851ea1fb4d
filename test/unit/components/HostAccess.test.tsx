// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { HostAccess } from '@/entrypoints/options/HostAccess';
import './catalog';

const LOOPBACK = ['http://127.0.0.1/*', 'http://localhost/*'];

/** Host grants as the browser keeps them: `request` grants (or not) and tells the subscribers. */
function grants(initiallyMissing: string[], answer: boolean) {
  let missing = [...initiallyMissing];
  const listeners = new Set<() => void>();
  return {
    missing: vi.fn(async () => missing),
    request: vi.fn(async (origins: string[]) => {
      if (answer) missing = missing.filter((origin) => !origins.includes(origin));
      return answer;
    }),
    subscribe: (onChange: () => void) => {
      listeners.add(onChange);
      return () => listeners.delete(onChange);
    },
    /** Someone withdrew access in the browser's add-on settings. */
    withdraw(origin: string) {
      missing = [...missing, origin];
      for (const listener of listeners) listener();
    },
  };
}

describe('HostAccess', () => {
  afterEach(() => {
    cleanup();
  });

  it('shows nothing while every declared host is granted (Chromium after install)', async () => {
    const browser = grants([], true);

    render(<HostAccess {...browser} />);

    await waitFor(() => expect(browser.missing).toHaveBeenCalled());
    expect(screen.queryByTestId('host-access')).toBeNull();
  });

  it('names the missing hosts, asks for exactly those on the click, and goes once granted', async () => {
    const browser = grants(LOOPBACK, true);
    render(<HostAccess {...browser} />);
    const banner = await screen.findByTestId('host-access');
    const text = banner.textContent;

    fireEvent.click(screen.getByRole('button', { name: 'Allow access' }));

    // Asked inside the click itself: Firefox refuses a request made after an await.
    expect(browser.request).toHaveBeenCalledWith(LOOPBACK);
    await waitFor(() => expect(screen.queryByTestId('host-access')).toBeNull());
    expect(text).toContain('Token Keeper may not reach 127.0.0.1 and localhost yet.');
  });

  it('says what declining means and keeps asking', async () => {
    const browser = grants(LOOPBACK, false);
    render(<HostAccess {...browser} />);

    fireEvent.click(await screen.findByRole('button', { name: 'Allow access' }));

    expect((await screen.findByTestId('host-access-declined')).textContent).toMatch(
      /^Not allowed\. Connections to these servers cannot refresh/,
    );
    expect(screen.getByTestId('host-access')).toBeDefined();
  });

  it('comes back when access is withdrawn in the browser while the page is open', async () => {
    const browser = grants([], true);
    render(<HostAccess {...browser} />);
    await waitFor(() => expect(browser.missing).toHaveBeenCalled());

    browser.withdraw('https://auth.atlassian.com/*');

    expect((await screen.findByTestId('host-access')).textContent).toContain(
      'may not reach auth.atlassian.com yet',
    );
  });
});
