/**
 * Where the browsers this extension is built for differ, decided once per build from WXT's
 * `import.meta.env.BROWSER` (docs/architecture.md#firefox).
 */
export interface BrowserFeatures {
  /**
   * Chromium's notifications carry buttons and stay until dismissed; Firefox rejects both `buttons` and
   * `requireInteraction`, so a click on the notification stands in for the buttons.
   */
  interactiveNotifications: boolean;
}

/** The features of the browser a build targets ('chrome', 'edge', 'firefox'). */
export function browserFeatures(browser: string): BrowserFeatures {
  return { interactiveNotifications: browser !== 'firefox' };
}
