/** Postfix's virtual_mailbox_base; a mailbox's maildir is `{domain}/{local part}/` under it. */
export const MAIL_BASE = '/var/mail/vdomains';

/** A mailbox's maildir relative to MAIL_BASE, as Postfix's virtual_mailbox_maps answers it (the trailing slash: Maildir format). */
export const maildirOf = (domain: string, localPart: string): string => `${domain}/${localPart}/`;
