/**
 * Webhook notices to consumers: each is written to the registry's database first (the delivery log,
 * durable across restarts), at most once per (consumer, coordinate, kind, occurrence), then POSTed,
 * signed (webhook-signature.ts). A failed delivery (no answer, or not 2xx) is retried with
 * exponential backoff on the registry's clock until `maxAttempts`, then marked failed.
 */
import { randomUUID } from 'node:crypto';
import type { LifecycleStore, NotificationRecord } from '../storage/lifecycle-store';
import { SIGNATURE_HEADER, signatureHeader } from './webhook-signature';

export interface Webhook {
  url: string;
  secret: string;
}

export interface WebhookNotifierOptions {
  store: LifecycleStore;
  graph: string;
  clock: () => number;
  /** Each consumer's webhook (from the governance config), or null when it has none. */
  webhookOf: (consumer: string) => Webhook | null;
  /** Attempts before a notice is marked failed. Default 8. */
  maxAttempts?: number;
  /** The wait after the first failure; doubled after each next one. Default 30 s. */
  backoffMs?: number;
  /** The longest wait between attempts. Default 6 h. */
  maxBackoffMs?: number;
  /** Per delivery (ms). Default 10000. */
  timeoutMs?: number;
  fetch?: typeof fetch;
}

export interface NoticeToSend {
  consumer: string;
  coordinate: string;
  /** deprecated, sunset-in-30-days, sunset-in-7-days, brownout-started, check-approved. */
  kind: string;
  occurrence?: string;
  /** The notice's content; id, kind, consumer, coordinate and sentAt are added. */
  payload: Record<string, unknown>;
}

export interface WebhookNotifier {
  /** Writes the notice unless it was written before or the consumer has no webhook; answers what happened. */
  enqueue(notice: NoticeToSend): Promise<'queued' | 'already-sent' | 'no-webhook'>;
  /** Sends every notice due now; resolves when they were tried. One run at a time. */
  deliverDue(): Promise<void>;
}

export function createWebhookNotifier(options: WebhookNotifierOptions): WebhookNotifier {
  const { store, graph, clock } = options;
  const maxAttempts = options.maxAttempts ?? 8;
  const backoffMs = options.backoffMs ?? 30_000;
  const maxBackoffMs = options.maxBackoffMs ?? 6 * 3_600_000;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const fetchFn = options.fetch ?? fetch;
  let running: Promise<void> | null = null;

  async function deliver(notice: NotificationRecord): Promise<void> {
    const webhook = options.webhookOf(notice.consumer);
    const attempts = notice.attempts + 1;
    const now = clock();
    let problem: string | null = null;
    if (!webhook || webhook.url !== notice.url) problem = 'the consumer no longer has this webhook';
    else {
      try {
        const response = await fetchFn(notice.url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            [SIGNATURE_HEADER]: signatureHeader(
              webhook.secret,
              Math.floor(now / 1000),
              notice.body,
            ),
            'switchyard-event': notice.kind,
            'switchyard-delivery': notice.id,
          },
          body: notice.body,
          signal: AbortSignal.timeout(timeoutMs),
          redirect: 'manual',
        });
        await response.arrayBuffer().catch(() => undefined);
        if (response.status < 200 || response.status >= 300)
          problem = `answered HTTP ${response.status}`;
      } catch (error) {
        const cause = (error as Error).cause as { code?: string } | undefined;
        problem = `no answer: ${cause?.code ?? (error as Error).message}`;
      }
    }
    const gaveUp = problem !== null && (attempts >= maxAttempts || !webhook);
    await store.updateNotification(graph, notice.id, {
      status: problem === null ? 'delivered' : gaveUp ? 'failed' : 'pending',
      attempts,
      nextAttemptAt:
        problem === null || gaveUp
          ? null
          : new Date(
              clock() + Math.min(maxBackoffMs, backoffMs * 2 ** (attempts - 1)),
            ).toISOString(),
      lastError: problem,
      deliveredAt: problem === null ? new Date(clock()).toISOString() : null,
    });
  }

  async function deliverAll(): Promise<void> {
    for (;;) {
      const due = await store.dueNotifications(graph, new Date(clock()).toISOString(), 50);
      if (due.length === 0) return;
      // Each is delivered, rescheduled or failed, so none is due twice; until nothing is due.
      for (const notice of due) await deliver(notice);
    }
  }

  return {
    async enqueue(notice) {
      const webhook = options.webhookOf(notice.consumer);
      if (!webhook) return 'no-webhook';
      const id = `ntf_${randomUUID()}`;
      const now = new Date(clock()).toISOString();
      const body = JSON.stringify({
        id,
        kind: notice.kind,
        graph,
        consumer: notice.consumer,
        coordinate: notice.coordinate,
        ...notice.payload,
        sentAt: now,
      });
      const added = await store.enqueueNotification(graph, {
        id,
        consumer: notice.consumer,
        coordinate: notice.coordinate,
        kind: notice.kind,
        occurrence: notice.occurrence ?? '',
        url: webhook.url,
        body,
        status: 'pending',
        attempts: 0,
        nextAttemptAt: now,
        lastError: null,
        createdAt: now,
        deliveredAt: null,
      });
      return added ? 'queued' : 'already-sent';
    },
    deliverDue() {
      running ??= deliverAll().finally(() => {
        running = null;
      });
      return running;
    },
  };
}
