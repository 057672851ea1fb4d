// Approving at an emulator's consent page: headless for Node tests (standing in for
// identity.launchWebAuthFlow), and by pressing the button in Chromium for end-to-end tests.
import type { Page } from 'playwright-core';

/**
 * Opens the authorization URL, presses Approve (or Cancel) and resolves with the URL the emulator
 * redirected back to — what `launchWebAuthFlow` would resolve with.
 */
export async function consentHeadless(
  authorizationUrl: string,
  decision: 'approve' | 'deny' = 'approve',
): Promise<string> {
  const page = await fetch(authorizationUrl, { redirect: 'manual' });
  if (page.status >= 300 && page.status < 400)
    return new URL(page.headers.get('location')!, authorizationUrl).href;
  const html = await page.text();
  const action = /<form method="post" action="([^"]+)"/.exec(html)?.[1];
  const request = /name="request" value="([^"]+)"/.exec(html)?.[1];
  if (page.status !== 200 || !action || !request) {
    throw new Error(
      `No consent page at ${authorizationUrl} (HTTP ${page.status}): ${html.slice(0, 200)}`,
    );
  }
  const answer = await fetch(new URL(action, authorizationUrl), {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ request, decision }).toString(),
  });
  const location = answer.headers.get('location');
  if (!location) throw new Error(`The consent answer did not redirect (HTTP ${answer.status}).`);
  return location;
}

/** In the consent window Chromium opened for launchWebAuthFlow: press Approve. */
export async function approveInPage(page: Page, timeoutMs = 15_000): Promise<void> {
  const button = page.getByTestId('approve');
  await button.waitFor({ timeout: timeoutMs });
  try {
    await button.click();
  } catch (error) {
    // Chrome closes the window as soon as the redirect URI is reached.
    if (page.isClosed() || /closed|destroyed/i.test(String(error))) return;
    throw error;
  }
}
