/**
 * Where the browsers this extension is built for differ, decided once per build from WXT's
 * `import.meta.env.BROWSER` (docs/architecture.md, "Firefox").
 */
export interface BrowserFeatures {
  /** Chromium's notifications carry buttons; Firefox rejects `buttons`, so a click on the notification stands in. */
  notificationButtons: boolean;
}

/** The features of the browser a build targets ('chrome', 'edge', 'firefox'). */
export function browserFeatures(browser: string): BrowserFeatures {
  return { notificationButtons: browser !== 'firefox' };
}
