/**
 * History export (pure): the documented columns, CSV (RFC 4180) and JSON. History never holds a
 * token; error texts still pass through `redact` so an export cannot leak one whatever a provider said.
 */
import type { HistoryEvent } from '../model';
import { redact } from '../oauth/redact';

/** The export formats. */
export type ExportFormat = 'csv' | 'json';

/** The columns of an export, in order; the README documents each. */
export const EXPORT_COLUMNS = [
  'time',
  'connection_id',
  'connection',
  'kind',
  'trigger',
  'outcome',
  'duration_ms',
  'expires_at',
  'retry_at',
  'error_code',
  'error_message',
  'caller',
  'count',
  // Appended last so files read by column position keep their meaning.
  'error_detail',
] as const;

/** One exported event: every column, empty where it does not apply. */
export type ExportRow = Record<(typeof EXPORT_COLUMNS)[number], string | number | null>;

/** Turns an event into an export row; `labels` names connections (removed ones keep their id only). */
export function toExportRow(event: HistoryEvent, labels: ReadonlyMap<string, string>): ExportRow {
  // A retry-scheduled event keeps the next attempt's time in `expiresAt`: export it as what it is.
  const retry = event.kind === 'retry-scheduled';
  return {
    time: new Date(event.at).toISOString(),
    connection_id: event.connectionId,
    connection: labels.get(event.connectionId) ?? null,
    kind: event.kind,
    trigger: event.trigger ?? null,
    outcome: event.ok ? 'ok' : 'failed',
    duration_ms: event.durationMs ?? null,
    expires_at: !retry && event.expiresAt !== undefined ? iso(event.expiresAt) : null,
    retry_at: retry && event.expiresAt !== undefined ? iso(event.expiresAt) : null,
    error_code: event.error ? redact(event.error.code) : null,
    error_message: event.error ? redact(event.error.message) : null,
    caller: event.caller ?? null,
    // Repeated hand-outs to one caller are merged into one row that counts them.
    count: event.kind === 'token-issued' ? (event.count ?? 1) : null,
    // The provider's own words, kept apart from our sentence (absent in events stored before they were).
    error_detail: event.error?.detail ? redact(event.error.detail) : null,
  };
}

function iso(at: number): string {
  return new Date(at).toISOString();
}

/** Builds an export file incrementally: `add` each row, then `finish` for the text. */
export interface ExportWriter {
  add(row: ExportRow): void;
  finish(): string;
}

/** A writer for the chosen format. */
export function createExportWriter(format: ExportFormat): ExportWriter {
  const parts: string[] = [];
  if (format === 'csv') {
    parts.push(EXPORT_COLUMNS.join(','));
    return {
      add: (row) => parts.push(EXPORT_COLUMNS.map((column) => csvField(row[column])).join(',')),
      // CRLF line ends, as RFC 4180 asks and spreadsheets expect.
      finish: () => `${parts.join('\r\n')}\r\n`,
    };
  }
  return {
    add: (row) => parts.push(JSON.stringify(row)),
    finish: () => `[\n${parts.join(',\n')}\n]\n`,
  };
}

/** Characters that make a spreadsheet treat a cell as a formula (CSV injection). */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * One CSV field: every text quoted (a spreadsheet splitting on `;` in its locale must still see one cell,
 * so `a;=1+1` cannot become a formula), text that would run as a formula defused with a leading `'`.
 */
export function csvField(value: string | number | null): string {
  if (value === null) return '';
  if (typeof value === 'number') return String(value);
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return `"${text.replace(/"/g, '""')}"`;
}

/** The file name for an export made at `now`: token-keeper-history-2026-11-22T1203.csv. */
export function exportFileName(format: ExportFormat, now: number): string {
  const stamp = new Date(now).toISOString().slice(0, 16).replace(':', '');
  return `token-keeper-history-${stamp}.${format}`;
}
