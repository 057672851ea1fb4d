/**
 * The worker's read-only reports for the options page: health figures and history exports.
 * Reading happens here; the figures and the file format are computed by pure modules.
 */
import { computeHealth, HEALTH_PERIODS, TOKEN_KINDS, type HealthPeriod } from '../engine/health';
import type { HealthReport } from '../engine/health';
import {
  createExportWriter,
  exportFileName,
  toExportRow,
  type ExportFormat,
} from '../engine/history-export';
import type { HistoryExport } from '../messaging';
import type { Settings } from '../settings';
import { listConnections } from '../store/connections';
import type { TokenKeeperDb } from '../store/db';
import type { HistoryCriteria } from '../model';
import { forEachHistoryEvent, historyBetween, lastEventBefore } from '../store/history';

/** Reads the period's history and computes the Health section's figures. */
export async function buildHealthReport(
  db: TokenKeeperDb,
  now: number,
  period: HealthPeriod,
  settings: Settings,
): Promise<HealthReport> {
  const from = now - HEALTH_PERIODS[period].durationMs;
  const [connections, events] = await Promise.all([
    listConnections(db),
    historyBetween(db, from, now),
  ]);
  // What each token looked like when the period began: one index lookup per connection.
  const before = await Promise.all(
    connections.map((connection) => lastEventBefore(db, connection.id, TOKEN_KINDS, from)),
  );
  return computeHealth({
    now,
    period,
    connections,
    settings,
    events,
    before: before.filter((event) => event !== null),
  });
}

/** Writes every event matching `criteria` to a CSV or JSON file, newest first. */
export async function exportHistory(
  db: TokenKeeperDb,
  criteria: HistoryCriteria,
  format: ExportFormat,
  now: number,
): Promise<HistoryExport> {
  const labels = new Map((await listConnections(db)).map((c) => [c.id, c.label]));
  const writer = createExportWriter(format);
  const count = await forEachHistoryEvent(db, criteria, (event) =>
    writer.add(toExportRow(event, labels)),
  );
  return {
    fileName: exportFileName(format, now),
    mimeType: format === 'csv' ? 'text/csv' : 'application/json',
    content: writer.finish(),
    count,
  };
}
