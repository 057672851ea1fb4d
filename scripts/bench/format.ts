// How figures are written in the report.

/** A Markdown table. */
export function table(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  return [line(headers), line(headers.map(() => '---')), ...rows.map(line)].join('\n');
}

/** Milliseconds, `digits` decimals. */
export const ms = (value: number, digits = 0) =>
  Number.isFinite(value) ? `${value.toFixed(digits)} ms` : 'n/a';
/** Milliseconds as minutes, one decimal. */
export const minutes = (value: number) =>
  Number.isFinite(value) ? `${(value / 60_000).toFixed(1)} min` : 'n/a';
/** A count with thousands separators. */
export const count = (value: number) => value.toLocaleString('en-US');
/** A ratio as `1.23×`. */
export const times = (value: number) => (Number.isFinite(value) ? `${value.toFixed(2)}×` : 'n/a');

/** `0.99987` → `99.987 %`. */
export function formatPercent(share: number, digits = 2): string {
  return Number.isFinite(share) ? `${(share * 100).toFixed(digits)} %` : 'n/a';
}

/** Bytes as KB (1 KB = 1,024 bytes), one decimal. */
export function formatKb(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KB`;
}
