/**
 * Applies a page's style sheets from its own script (imported with `?inline`): with no stylesheet to
 * fetch, the script does not wait for one before it runs (docs/architecture.md#page-start).
 */
export function applyStyles(...sheets: string[]): void {
  const style = document.createElement('style');
  style.textContent = sheets.join('\n');
  document.head.append(style);
}
