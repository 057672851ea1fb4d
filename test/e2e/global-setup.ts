import { buildExtension } from '../support/build';
import { buildCallerExtension } from '../support/caller';
import { findChromium } from '../support/chromium';

// Build once for every end-to-end file, and fail early with a clear message when Chromium is missing.
export default function setup(): void {
  findChromium();
  buildExtension();
  buildCallerExtension();
}
