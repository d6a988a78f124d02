import { createHash } from 'node:crypto';
import { quote } from '../../core/options.js';
import type { Alert, AlertSink } from './alert.js';
import { JsonPoster } from './http-post.js';

/** Options every HTTP sink takes. */
export interface HttpSinkOptions {
  /** Names the sink in errors and stats. Default: the kind of sink (`'webhook'`, ...). */
  name?: string;
  /** Extra request headers (an `authorization` header, say). */
  headers?: Record<string, string>;
}

function checkUrl(url: unknown, where: string): string {
  let parsed: URL;
  try {
    parsed = new URL(String(url));
  } catch {
    throw new TypeError(`${where}: url must be an absolute http(s) URL, got ${quote(url)}`);
  }
  if (
    (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') ||
    (typeof url !== 'string' && !(url instanceof URL))
  ) {
    throw new TypeError(`${where}: url must be an absolute http(s) URL, got ${quote(String(url))}`);
  }
  return parsed.href;
}

function checkOptions(options: object, known: readonly string[], where: string): void {
  if (typeof options !== 'object' || (options as unknown) === null) {
    throw new TypeError(`${where}: options must be an object, got ${quote(options)}`);
  }
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) {
      throw new TypeError(`${where}: unknown option ${quote(key)} (known: ${known.join(', ')})`);
    }
  }
  const { name, headers } = options as HttpSinkOptions;
  if (name !== undefined && typeof name !== 'string') {
    throw new TypeError(`${where}: option name must be a string, got ${quote(name)}`);
  }
  if (headers !== undefined) {
    const ok =
      typeof headers === 'object' &&
      (headers as unknown) !== null &&
      Object.values(headers).every((v) => typeof v === 'string');
    if (!ok)
      throw new TypeError(
        `${where}: option headers must map names to strings, got ${quote(headers)}`,
      );
  }
}

const iso = (ms: number): string => new Date(ms).toISOString();

/** Alertmanager's fingerprint role: a stable hash of the label set. */
export function fingerprint(labels: Record<string, string>): string {
  const text = Object.keys(labels)
    .sort()
    .map((k) => `${k}\u0000${labels[k] ?? ''}`)
    .join('\u0001');
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

function annotations(a: Alert): Record<string, string> {
  return { summary: a.summary, description: a.description };
}

function common(records: readonly Record<string, string>[]): Record<string, string> {
  const [first, ...rest] = records;
  if (!first) return {};
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(first)) if (rest.every((r) => r[k] === v)) out[k] = v;
  return out;
}

/**
 * The body of {@link webhookSink}: Alertmanager's webhook format (version 4), so receivers
 * written for Alertmanager (chat bridges, incident tools) take it unchanged.
 */
export function webhookPayload(
  alerts: readonly Alert[],
  receiver: string,
  externalURL: string,
): Record<string, unknown> {
  const labels = alerts.map((a) => a.labels);
  const commonLabels = common(labels);
  return {
    version: '4',
    groupKey: `{}:${JSON.stringify(commonLabels)}`,
    truncatedAlerts: 0,
    status: alerts.some((a) => a.status === 'firing') ? 'firing' : 'resolved',
    receiver,
    groupLabels: {},
    commonLabels,
    commonAnnotations: common(alerts.map(annotations)),
    externalURL,
    alerts: alerts.map((a) => ({
      status: a.status,
      labels: a.labels,
      annotations: annotations(a),
      startsAt: iso(a.startsAt),
      // Alertmanager's zero time marks an alert that has not ended.
      endsAt: a.endsAt === undefined ? '0001-01-01T00:00:00Z' : iso(a.endsAt),
      generatorURL: '',
      fingerprint: fingerprint(a.labels),
    })),
  };
}

/** The body of {@link alertmanagerSink}: the `POST /api/v2/alerts` array. */
export function alertmanagerPayload(
  alerts: readonly Alert[],
  generatorURL: string | undefined,
): unknown[] {
  return alerts.map((a) => {
    const out: Record<string, unknown> = {
      labels: a.labels,
      annotations: annotations(a),
      startsAt: iso(a.startsAt),
    };
    if (a.endsAt !== undefined) out.endsAt = iso(a.endsAt);
    if (generatorURL !== undefined) out.generatorURL = generatorURL;
    return out;
  });
}

/** The body of {@link slackSink}: one `text` with a line per alert (Slack's mrkdwn). */
export function slackPayload(
  alerts: readonly Alert[],
  extra: Record<string, string>,
): Record<string, unknown> {
  const lines = alerts.map((a) =>
    a.status === 'firing'
      ? `:rotating_light: *[FIRING:${a.severity}] ${a.summary}*\n${a.description}`
      : `:white_check_mark: *[RESOLVED] ${a.summary}*`,
  );
  return { ...extra, text: lines.join('\n') };
}

/**
 * A generic JSON webhook: POSTs each batch to `url` in Alertmanager's webhook format
 * (`{ version: '4', status, alerts: [{ status, labels, annotations, startsAt, endsAt, ... }] }`).
 */
export function webhookSink(
  url: string | URL,
  options: HttpSinkOptions & { receiver?: string; externalURL?: string } = {},
): AlertSink {
  checkOptions(options, ['name', 'headers', 'receiver', 'externalURL'], 'webhookSink');
  const target = checkUrl(url, 'webhookSink');
  const name = options.name ?? 'webhook';
  const poster = new JsonPoster(name, options.headers);
  const receiver = options.receiver ?? 'breakwater';
  const externalURL = options.externalURL ?? '';
  return {
    name,
    send: (alerts, signal) =>
      poster.post(target, webhookPayload(alerts, receiver, externalURL), signal),
    close: () => poster.close(),
  };
}

/**
 * Pushes alerts to Alertmanager (`POST <url>/api/v2/alerts`), re-sending those still firing
 * every `repeatInterval` ms (default 60000) as Alertmanager's clients must; a resolved alert is
 * sent once with its `endsAt`.
 *
 * @param url Alertmanager's base URL (`http://alertmanager:9093`) or the full endpoint
 */
export function alertmanagerSink(
  url: string | URL,
  options: HttpSinkOptions & { repeatInterval?: number; generatorURL?: string } = {},
): AlertSink {
  checkOptions(options, ['name', 'headers', 'repeatInterval', 'generatorURL'], 'alertmanagerSink');
  const base = checkUrl(url, 'alertmanagerSink');
  const target = base.replace(/\/+$/, '').endsWith('/api/v2/alerts')
    ? base
    : `${base.replace(/\/+$/, '')}/api/v2/alerts`;
  const repeatInterval = options.repeatInterval ?? 60_000;
  if (typeof repeatInterval !== 'number' || !(repeatInterval > 0)) {
    throw new RangeError(
      `alertmanagerSink: option repeatInterval must be a number of ms > 0, got ${quote(repeatInterval)}`,
    );
  }
  const name = options.name ?? 'alertmanager';
  const poster = new JsonPoster(name, options.headers);
  return {
    name,
    repeatInterval,
    send: (alerts, signal) =>
      poster.post(target, alertmanagerPayload(alerts, options.generatorURL), signal),
    close: () => poster.close(),
  };
}

/** Posts alerts to a Slack-style incoming webhook as `{ text }` (plus `username` / `channel`). */
export function slackSink(
  url: string | URL,
  options: HttpSinkOptions & { username?: string; channel?: string } = {},
): AlertSink {
  checkOptions(options, ['name', 'headers', 'username', 'channel'], 'slackSink');
  const target = checkUrl(url, 'slackSink');
  const name = options.name ?? 'slack';
  const poster = new JsonPoster(name, options.headers);
  const extra: Record<string, string> = {};
  if (options.username !== undefined) extra.username = options.username;
  if (options.channel !== undefined) extra.channel = options.channel;
  return {
    name,
    send: (alerts, signal) => poster.post(target, slackPayload(alerts, extra), signal),
    close: () => poster.close(),
  };
}
