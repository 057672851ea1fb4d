// Page requests as @webext-core/messaging sends them (`{ id, type, data, timestamp }`, answered with
// `{ res }` or `{ err }`), sent from an extension page and timed there.
import type { Page } from 'playwright-core';

/**
 * Sends `count` messages one after another from the page and returns each round trip (ms, measured with the
 * page's `performance.now()`); throws if any is answered with an error.
 */
export async function timeMessages(
  page: Page,
  type: string,
  data: unknown,
  count: number,
): Promise<number[]> {
  return page.evaluate(
    async ({ type, data, count }) => {
      const runtime = (
        globalThis as unknown as {
          chrome: {
            runtime: { sendMessage(message: unknown): Promise<{ res?: unknown; err?: unknown }> };
          };
        }
      ).chrome.runtime;
      const times: number[] = [];
      for (let id = 1; id <= count; id += 1) {
        const started = performance.now();
        const reply = await runtime.sendMessage({ id, type, data, timestamp: Date.now() });
        times.push(performance.now() - started);
        const value = reply?.res as { ok?: boolean } | undefined;
        if (reply?.err !== undefined || value?.ok === false) {
          throw new Error(`${type} failed: ${JSON.stringify(reply?.err ?? value)}`);
        }
      }
      return times;
    },
    { type, data, count },
  );
}
