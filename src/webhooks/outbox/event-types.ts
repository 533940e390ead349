/** Every event a webhook endpoint can ask for; `webhook.ping` is sent only by the ping route. */
export const WEBHOOK_EVENT_TYPES = [
  'account.created',
  'account.updated',
  'account.suspended',
  'account.unsuspended',
  'account.deleted',
  'account.provisioning_failed',
  'client.created',
  'client.updated',
  'client.suspended',
  'client.unsuspended',
  'client.deleted',
  'certificate.issued',
  'certificate.renewed',
  'certificate.failed',
  'certificate.deleted',
  'usage.disk_over_limit',
  'usage.disk_back_within_limit',
  'usage.bandwidth_over_limit',
  'usage.bandwidth_back_within_limit',
] as const;

export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];
export type AccountEventType = Extract<WebhookEventType, `account.${string}`>;
export type ClientEventType = Extract<WebhookEventType, `client.${string}`>;
export type CertificateEventType = Extract<WebhookEventType, `certificate.${string}`>;
export type UsageEventType = Extract<WebhookEventType, `usage.${string}`>;

export const PING_EVENT_TYPE = 'webhook.ping';
